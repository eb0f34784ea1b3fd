import Foundation
import Hummingbird
import Mustache
import RegistryStore
import TeacherGrowth

/// Renders the pages: a template for the content, then the layout around it (top bar, the role's
/// navigation, language switch). Mustache escapes every `{{value}}`; only the rendered content and
/// the report's own escaped HTML are inserted raw.
final class Pages: Sendable {
    static let shared = Pages()

    let library: MustacheLibrary
    /// Templates that failed to parse (a build defect, caught by a test).
    let broken: [String]

    init() {
        var lib = MustacheLibrary()
        var broken: [String] = []
        for (name, text) in EmbeddedTemplates.templates {
            do { try lib.register(text, named: name) } catch { broken.append(name) }
        }
        library = lib
        self.broken = broken
    }

    struct NavItem { var label: String; var href: String; var key: String }

    /// The role's pages.
    static func nav(_ identity: Identity?, language: Language, today: CivilDate) -> [NavItem] {
        guard let identity, identity.isBrowser else { return [] }
        let zh = language == .zh
        switch identity.role {
        case .principal:
            guard let school = identity.school else { return [] }
            return [NavItem(label: zh ? "本校合规" : "My school", href: "/schools/\(school)/compliance", key: "compliance")]
        case .hr:
            return [NavItem(label: zh ? "今日事项" : "Today", href: "/hr", key: "hr"),
                    NavItem(label: zh ? "登记培训" : "Log training", href: "/training/new", key: "training-new"),
                    NavItem(label: zh ? "导入文件" : "Import", href: "/imports", key: "imports"),
                    NavItem(label: zh ? "审核队列" : "Review", href: "/training/pending", key: "pending"),
                    NavItem(label: zh ? "查找教师" : "Find a teacher", href: "/teachers", key: "search"),
                    NavItem(label: zh ? "各校概况" : "Schools", href: "/schools", key: "schools")]
        case .county:
            return [NavItem(label: zh ? "目标进展" : "Targets", href: "/", key: "dashboard"),
                    NavItem(label: zh ? "轮岗规划" : "Rotation", href: "/rotation/\(today.year)", key: "rotation"),
                    NavItem(label: zh ? "各校概况" : "Schools", href: "/schools", key: "schools"),
                    NavItem(label: zh ? "查找教师" : "Find a teacher", href: "/teachers", key: "search"),
                    NavItem(label: zh ? "账号管理" : "Accounts", href: "/users", key: "users")]
        }
    }

    struct Frame {
        var title: String
        var subtitle: String? = nil
        var current: String? = nil
        var flash: (kind: String, text: String)? = nil
        var path: String = "/"
        var extraCSS: String? = nil
    }

    /// A whole page: `template` rendered with `data` (plus `t`, the words, and `csrf`), inside the layout.
    func page(_ template: String, _ data: [String: Any], frame: Frame, identity: Identity?, language: Language, today: CivilDate) -> String {
        var data = data
        data["t"] = Words.dictionary(language)
        data["csrf"] = identity?.session?.csrf ?? ""
        let content = library.render(data, withTemplate: template) ?? ""
        return layout(content: content, frame: frame, identity: identity, language: language, today: today)
    }

    func layout(content: String, frame: Frame, identity: Identity?, language: Language, today: CivilDate) -> String {
        let nav = Pages.nav(identity, language: language, today: today)
        var user: [String: Any]?
        if let s = identity?.session {
            user = ["name": s.user.displayName, "role": Words.role(s.user.role, language), "school": s.user.schoolCode ?? "", "csrf": s.csrf]
            if s.user.schoolCode == nil { user?["school"] = false }
        }
        let other: Language = language == .zh ? .en : .zh
        let separator = frame.path.contains("?") ? "&" : "?"
        var data: [String: Any] = [
            "htmlLang": language == .zh ? "zh-CN" : "en",
            "title": frame.title,
            "county": language == .zh ? "酉阳县教育委员会" : "Youyang County Education Commission",
            "t": Words.dictionary(language),
            "hasNav": !nav.isEmpty,
            "nav": nav.map { ["label": $0.label, "href": $0.href, "current": $0.key == frame.current] },
            "content": content,
            "printedOn": language == .zh ? "打印于 \(today)" : "printed \(today)",
            "languageHref": frame.path.replacingOccurrences(of: "lang=zh", with: "").replacingOccurrences(of: "lang=en", with: "")
                + separator + "lang=\(other.rawValue)",
            "languageLabel": other == .zh ? "中文" : "English",
        ]
        if let user { data["user"] = user }
        if let subtitle = frame.subtitle { data["subtitle"] = subtitle }
        if let css = frame.extraCSS { data["extraCSS"] = css }
        if let f = frame.flash { data["flash"] = ["kind": f.kind, "text": f.text] }
        return library.render(data, withTemplate: "layout") ?? content
    }

    func error(status: HTTPResponse.Status, message: LocalizedText, fields: [(String, LocalizedText)], identity: Identity?, language: Language) -> String {
        let zh = language == .zh
        let title: String = switch status.code {
        case 401: zh ? "请先登录" : "Please sign in"
        case 403: zh ? "无权查看" : "Not allowed"
        case 404: zh ? "找不到" : "Not found"
        case 413: zh ? "文件太大" : "Too large"
        case 422: zh ? "内容有误" : "Not valid"
        case 429: zh ? "请稍后再试" : "Too many requests"
        case 503: zh ? "暂停服务" : "Unavailable"
        default: zh ? "请求有误" : "Bad request"
        }
        let data: [String: Any] = ["message": message.text(language), "hasFields": !fields.isEmpty,
                                   "fields": fields.map { ["field": $0.0, "text": $0.1.text(language)] }]
        return page("error", data, frame: Frame(title: title), identity: identity, language: language, today: Today.china)
    }
}

/// Today in China (UTC+8), for pages that need a default date when no clock is given.
enum Today {
    static var china: CivilDate {
        let seconds = Int(Date().timeIntervalSince1970) + 8 * 3600
        return CivilDate(dayNumber: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }
}
