#!/usr/bin/env python3
"""End-to-end test of the web application in a real browser (headless Chromium driven by
chromedriver through Selenium), as each role does its daily work on a small demo county.

    python3 Tools/e2e/browser_test.py [--binary .build/debug/teacher-registry] [--shots DIR]

It builds a demo registry in a temporary folder, adds one account per role with the CLI, starts
`teacher-registry serve` on a free port and then, at 1280 px and at 390 px (a phone):
  principal  signs in, reads the school's compliance page, filters "behind on hours", opens a
             teacher, is refused another school's page, signs out;
  HR         logs a record (first with an error shown beside the field), uploads a CSV with one bad
             line (nothing written) and then a good one (dry run, confirm), approves that batch,
             rejects one record with a reason, finds a teacher, signs out;
  county     reads the rotation candidates, adds a principal account, signs out.
The figures are checked against the CLI: the teacher's cycle hours in `compliance --format json`
rise by exactly the approved hours, and the rejected record keeps its reason. Every page is checked
for horizontal scrolling at 390 px. Screenshots go to --shots (default: a temporary folder).
Exits 1 on the first failed check, with the page's address and what was expected.
"""
import argparse, csv, io, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PASSWORDS = {"county1": "county-pass-1", "hr1": "hr-pass-123", "p1": "principal-1"}
checks = 0


def fail(msg, d=None):
    where = f" (at {d.current_url})" if d is not None else ""
    print(f"FAIL: {msg}{where}", file=sys.stderr)
    sys.exit(1)


def check(cond, msg, d=None):
    global checks
    checks += 1
    if not cond:
        fail(msg, d)


def cli(binary, db, *args, stdin=None):
    r = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"teacher-registry {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def find_chromedriver():
    for p in [os.environ.get("CHROMEDRIVER", ""), "/usr/bin/chromedriver", shutil.which("chromedriver") or ""]:
        if p and os.path.exists(p):
            return p
    fail("chromedriver not found: apt-get install chromium chromium-driver")


def browser(width):
    o = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN", "--disable-gpu"]:
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    if width < 600:
        o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 2},
                                                       "userAgent": "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
                                                                    "Chrome/120 Mobile Safari/537.36 MicroMessenger/8.0.47"})
    else:
        o.add_argument(f"--window-size={width},1000")
    for name in ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(name)
        if path:
            o.binary_location = path
            break
    return webdriver.Chrome(service=Service(find_chromedriver()), options=o)


class Session:
    def __init__(self, base, width, shots):
        self.base, self.width, self.shots = base, width, shots
        self.d = browser(width)
        self.wait = WebDriverWait(self.d, 15)
        self.mark = 0

    def go(self, path):
        self.d.get(self.base + path)
        self.settled()

    def settled(self):
        def complete(d):
            try:
                return d.execute_script("return document.readyState") == "complete"
            except WebDriverException:
                return False  # between documents; ask again
        self.wait.until(complete)

    def click(self, element):
        """Clicks something that loads a new page, and waits for that page."""
        self.navigate(element.click)

    def navigate(self, action):
        """Runs an action that loads a new page (a click, a form's submit), and waits for that page.

        A mark goes on the old page's window object; the new page's window has none. (Waiting for the old <html>
        element to go stale raced with Chromium tearing the old document down: "Node with given id does not
        belong to the document".)"""
        self.mark += 1
        token = f"page-{self.mark}"
        self.d.execute_script("window.__browserTestMark = arguments[0]", token)
        action()

        def left_old_page(d):
            try:
                return d.execute_script("return window.__browserTestMark || null") != token
            except WebDriverException:
                return False  # between documents; ask again

        self.wait.until(left_old_page)
        self.settled()

    def text(self):
        return self.d.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        """Checks there is no horizontal page scroll, then saves a full-height screenshot."""
        d = self.d
        sw = d.execute_script("return document.documentElement.scrollWidth")
        cw = d.execute_script("return document.documentElement.clientWidth")
        check(sw <= cw + 1, f"{name}: the page scrolls sideways at {self.width}px (scrollWidth {sw} > {cw})", d)
        check("<script" not in d.title, "title escaped", d)
        if self.shots:
            h = d.execute_script("return Math.max(document.body.scrollHeight, 800)")
            if self.width >= 600:
                d.set_window_size(self.width, min(h + 120, 5000))
            d.save_screenshot(os.path.join(self.shots, f"{name}-{self.width}.png"))
            if self.width >= 600:
                d.set_window_size(self.width, 1000)

    def sign_in(self, login, password=None):
        self.go("/login")
        self.shot("login") if login == "p1" else None
        self.d.find_element(By.NAME, "login").send_keys(login)
        self.d.find_element(By.NAME, "password").send_keys(password or PASSWORDS[login])
        self.click(self.d.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]"))
        check("/login" not in self.d.current_url, f"{login} signed in", self.d)

    def sign_out(self):
        self.click(self.d.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))
        check(self.d.current_url.endswith("/login"), "signed out to the sign-in page", self.d)

    def submit(self, form_css, button_css="button[type=submit]"):
        self.click(self.d.find_element(By.CSS_SELECTOR, f"{form_css} {button_css}"))

    def quit(self):
        self.d.quit()


def compliance_json(binary, db, school):
    return json.loads(cli(binary, db, "compliance", "--school", school, "--format", "json"))


def cycle_hours(view, staff_no):
    for row in view["teachers"] if "teachers" in view else view["rows"]:
        if row["staff_no"] == staff_no:
            return float(row["cycle_hours"])
    fail(f"{staff_no} is not in the compliance view")


def principal(s, school, other_school):
    d = s.d
    s.sign_in("p1")
    check(f"/schools/{school}/compliance" in d.current_url, "the principal lands on the school's compliance page", d)
    body = s.text()
    for word in ["教师", "学时"]:
        check(word in body, f"the compliance page is in Chinese ({word})", d)
    s.shot("principal-compliance")
    # Who is behind on hours.
    s.click(d.find_element(By.XPATH, "//div[@class='filters']//a[contains(., '学时落后')]"))
    check("filter=behind" in d.current_url, "the behind-on-hours filter", d)
    links = d.find_elements(By.CSS_SELECTOR, "a[href^='/teachers/']")
    check(len(links) > 0, "someone is behind on hours in the demo school", d)
    s.shot("principal-behind")
    staff = links[0].get_attribute("href").rsplit("/", 1)[1]
    s.click(links[0])
    check(f"/teachers/{staff}" in d.current_url, "the teacher page opens", d)
    check("培训" in s.text(), "the teacher page shows the training transcript", d)
    check(not any(ch.isdigit() and len(tok) == 18 for tok in s.text().split() for ch in tok[:1]) or "********" in s.text(),
          "identity numbers are masked", d)
    s.shot("principal-teacher")
    s.go(f"/schools/{other_school}/compliance")
    check("403" in d.title or "无权" in s.text() or "没有权限" in s.text(), "another school's page is refused", d)
    s.go(f"/schools/{school}/compliance")
    s.sign_out()


def hr(s, binary, db, workdir, staff_no, school, first):
    d = s.d
    s.sign_in("hr1")
    check(d.current_url.endswith("/hr"), "HR lands on today's page", d)
    s.shot("hr-home")

    # Log one record: first with the end before the start (the error is shown beside the field).
    s.go("/training/new")
    s.shot("hr-form")
    def fill(values):
        for name, value in values.items():
            el = d.find_element(By.NAME, name)
            if el.tag_name == "select":
                from selenium.webdriver.support.ui import Select
                Select(el).select_by_value(value)
            else:
                d.execute_script("arguments[0].value = arguments[1];", el, value)
    fill({"staff_no": staff_no, "title": "网页登记测试培训", "level": "county", "start_date": "2026-03-05", "end_date": "2026-03-01", "hours": "12.5"})
    s.submit("form[action='/training']")
    check(len(d.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")) > 0, "the wrong field is marked", d)
    check(len(d.find_elements(By.CSS_SELECTOR, ".invalid .error")) > 0, "the error is beside the field", d)
    s.shot("hr-form-error")
    fill({"end_date": "2026-03-06"})
    s.submit("form[action='/training']")
    check("saved=" in d.current_url, "the record was saved", d)
    check("待审核" in s.text(), "it waits for review", d)
    logged_id = d.current_url.split("saved=")[1].split("&")[0]

    # Upload: one bad line, nothing written; then a good file, dry run, confirm.
    header = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时,审核状态\n"
    bad = os.path.join(workdir, "培训-有错.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(header + f"{staff_no},上传一,县级,2026-04-01,2026-04-02,8,待审核\n{staff_no},上传二,县级,2026-04-03,2026-04-04,八,待审核\n")
    good = os.path.join(workdir, "培训.csv")
    with open(good, "w", encoding="utf-8") as f:
        f.write(header + f"{staff_no},上传一,县级,2026-04-01,2026-04-02,8,待审核\n{staff_no},上传二,县级,2026-04-03,2026-04-04,6,待审核\n"
                         f"{staff_no},上传三,校级,2026-05-01,2026-05-01,3,待审核\n")
    before = cli(binary, db, "training", "list", "--staff-no", staff_no, "--limit", "0", "--format", "json")
    s.go("/imports")
    d.find_element(By.ID, "files").send_keys(bad)
    s.submit("form[action='/imports']")
    check("未写入任何数据" in s.text(), "the bad file is refused as a whole", d)
    check("培训-有错.csv:3" in s.text(), "the bad line is named by file and line", d)
    s.shot("hr-upload-error")
    check(cli(binary, db, "training", "list", "--staff-no", staff_no, "--limit", "0", "--format", "json") == before, "nothing was written", d)
    s.go("/imports")
    d.find_element(By.ID, "files").send_keys(good)
    s.submit("form[action='/imports']")
    check("确认后将新增 3 行" in s.text(), "the dry run counts the rows to add", d)
    s.shot("hr-upload-preview")
    s.submit("form[action$='/confirm']")
    check("已导入" in s.text(), "the confirmed import is written", d)
    batch = s.text().split("导入批次 ")[1].split("。")[0].strip()
    check(batch.isdigit(), "the import batch is shown", d)

    hours_before = cycle_hours(compliance_json(binary, db, school), staff_no)

    # Reject one record of the batch with a reason, then approve the rest of the batch.
    s.go(f"/training/pending?batch={batch}")
    s.shot("hr-queue")
    boxes = d.find_elements(By.CSS_SELECTOR, "input[name=ids]")
    check(len(boxes) == 3, "the batch's three records are in the queue", d)
    rows = d.find_elements(By.CSS_SELECTOR, "form[action='/training/review'] tbody tr")
    target = next(r for r in rows if "上传三" in r.text)
    rejected_id = target.find_element(By.CSS_SELECTOR, "input[name=ids]").get_attribute("value")
    target.find_element(By.CSS_SELECTOR, "input[name=ids]").click()
    s.click(d.find_element(By.CSS_SELECTOR, "button[value=reject]"))
    check("驳回须填写原因" in s.text(), "a rejection without a reason is refused", d)
    check(d.find_element(By.CSS_SELECTOR, f"input[name=ids][value='{rejected_id}']").is_selected(), "the tick is kept", d)
    d.find_element(By.ID, "reason").send_keys("学时证明不全")
    s.click(d.find_element(By.CSS_SELECTOR, "button[value=reject]"))
    check("已驳回 1 条" in s.text(), "rejected one", d)
    s.go(f"/training/pending?batch={batch}")
    s.click(d.find_element(By.XPATH, "//form[input[@name='batch']]//button[@value='approve']"))
    check("已通过 2 条" in s.text(), "approved the rest of the batch", d)
    s.shot("hr-approved")

    listing = json.loads(cli(binary, db, "training", "list", "--batch", batch, "--limit", "0", "--format", "json"))
    records = listing if isinstance(listing, list) else listing.get("records", listing.get("training", []))
    statuses = sorted(r["status"] for r in records)
    check(statuses == ["approved", "approved", "rejected"], f"the batch's statuses are {statuses}")
    hours_after = cycle_hours(compliance_json(binary, db, school), staff_no)
    check(abs(hours_after - hours_before - 14.0) < 1e-9, f"cycle hours rose by exactly the approved 8 + 6 hours ({hours_before} → {hours_after})")

    # Find a teacher.
    s.go("/teachers")
    box = d.find_element(By.NAME, "q")
    box.send_keys(staff_no)
    s.navigate(box.submit)
    check(len(d.find_elements(By.CSS_SELECTOR, f"a[href='/teachers/{staff_no}']")) > 0, "the teacher is found by staff number", d)
    s.shot("hr-search")
    s.sign_out()
    return logged_id


def county(s, binary, db, school, suffix):
    d = s.d
    s.sign_in("county1")
    s.shot("county-dashboard")
    year = time.gmtime().tm_year
    s.go(f"/rotation/{year}")
    body = s.text()
    check("年龄" in body and "在校年数" in body or "年龄" in body, "the rotation page shows the candidates' ages", d)
    s.shot("county-rotation")
    s.go("/schools")
    check(len(d.find_elements(By.CSS_SELECTOR, "a[href$='/compliance']")) > 0, "the school list links to each school", d)
    s.shot("county-schools")
    s.go("/users")
    login = f"newp{suffix}"
    d.find_element(By.NAME, "login").send_keys(login)
    from selenium.webdriver.support.ui import Select
    Select(d.find_element(By.NAME, "role")).select_by_value("principal")
    Select(d.find_element(By.NAME, "school")).select_by_value(school)
    d.find_element(By.NAME, "name").send_keys("新校长")
    s.submit("form[action='/users']")
    check("初始密码" in s.text(), "the new account's password is shown once", d)
    s.shot("county-users")
    listing = cli(binary, db, "user", "list")
    check(login in listing, "the account exists")
    s.sign_out()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=".build/debug/teacher-registry")
    ap.add_argument("--shots", default="")
    ap.add_argument("--scale", default="0.05")
    ap.add_argument("--db", help="an empty PostgreSQL database (postgres://USER@HOST:PORT/DB) instead of a new SQLite file")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.path.exists(binary):
        fail(f"{binary} not found; run swift build first")
    if args.shots:
        os.makedirs(args.shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="tr-e2e-")
    db = args.db or os.path.join(work, "registry.sqlite")
    cli(binary, db, "demo", "--scale", args.scale)
    schools = list(csv.DictReader(io.StringIO(cli(binary, db, "export", "schools", "--lang", "en").lstrip("\ufeff"))))
    teachers = list(csv.DictReader(io.StringIO(cli(binary, db, "export", "teachers", "--lang", "en").lstrip("\ufeff"))))
    current = [t for t in teachers if not t.get("left_on")]
    by_school = {}
    for t in current:
        by_school.setdefault(t["school_code"], []).append(t)
    school = max(by_school, key=lambda c: len(by_school[c]))
    other = next(s["code"] for s in schools if s["code"] != school)
    cli(binary, db, "user", "add", "county1", "--role", "county", "--name", "县教委", "--password-stdin", stdin=PASSWORDS["county1"] + "\n")
    cli(binary, db, "user", "add", "hr1", "--role", "hr", "--name", "人事科", "--password-stdin", stdin=PASSWORDS["hr1"] + "\n")
    cli(binary, db, "user", "add", "p1", "--role", "principal", "--school", school, "--name", "校长", "--password-stdin", stdin=PASSWORDS["p1"] + "\n")

    port = free_port()
    server = subprocess.Popen([binary, "--db", db, "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        else:
            fail("the server did not start")
        for i, width in enumerate([1280, 390]):
            staff = by_school[school][i]["staff_no"]
            s = Session(base, width, args.shots)
            try:
                principal(s, school, other)
                hr(s, binary, db, work, staff, school, i == 0)
                county(s, binary, db, school, i)
            finally:
                s.quit()
    except TimeoutException as e:
        fail(f"a page did not load in time: {e}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    backend = "PostgreSQL" if args.db else "SQLite"
    print(f"browser test passed ({backend}): {checks} checks" + (f"; screenshots in {args.shots}" if args.shots else ""))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
