import GRDB

/// The schema as history: named migrations, never edited after they ship, written without
/// application types so that a later change to the Swift code cannot change an old migration.
///
/// Dates are `YYYY-MM-DD` TEXT (they sort and compare as dates); hours are integer tenths;
/// money is integer fen. Codes are the SPEC §4 English codes, enforced by CHECK.
enum Migrations {
    /// The migrations of an existing database without sealed identity numbers to seal (tests).
    static var migrator: DatabaseMigrator { migrator(seal: { _, _ in throw IdentityKeyError.missing("") }) }

    /// `seal` seals a national identity number (v8 seals the numbers stored before it).
    static func migrator(seal: @escaping @Sendable (Database, String) throws -> String) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-facts") { db in try db.execute(sql: v1) }
        m.registerMigration("v1-change-log-append-only") { db in try db.execute(sql: appendOnly) }
        m.registerMigration("v2-meta") { db in
            // Facts about the database itself, e.g. that it holds the synthetic demo county.
            try db.execute(sql: "CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        m.registerMigration("v3-tokens") { db in
            // HTTP credentials: only a SHA-256 hash of each secret is kept.
            try db.execute(sql: """
                CREATE TABLE tokens (
                  id INTEGER PRIMARY KEY,
                  name TEXT NOT NULL CHECK (length(name) > 0),
                  role TEXT NOT NULL CHECK (role = 'county' OR role = 'principal' OR role = 'hr'),
                  school_code TEXT REFERENCES schools(code),
                  hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
                  created_at TEXT NOT NULL,
                  revoked_at TEXT,
                  CHECK ((role = 'principal') = (school_code IS NOT NULL))
                );
                """)
        }
        m.registerMigration("v4-change-log-action-check") { db in
            // v1 wrote the action check as `IN (…)`, for which SQLite opens a temporary b-tree on
            // every insert: a third of a bulk import's time went there. SQLite cannot change a
            // CHECK, so the table is rebuilt with the same rows and an OR chain.
            try db.execute(sql: """
                CREATE TABLE change_log_v4 (
                  id INTEGER PRIMARY KEY,
                  batch_id INTEGER NOT NULL REFERENCES change_batches(id),
                  action TEXT NOT NULL \(list("action", "add update void")),
                  entity TEXT NOT NULL,
                  entity_id INTEGER NOT NULL,
                  entity_key TEXT NOT NULL,
                  staff_no TEXT,
                  file TEXT,
                  line INTEGER,
                  detail TEXT
                );
                INSERT INTO change_log_v4 SELECT id, batch_id, action, entity, entity_id, entity_key, staff_no, file, line, detail
                  FROM change_log ORDER BY id;
                DROP TABLE change_log;
                ALTER TABLE change_log_v4 RENAME TO change_log;
                CREATE INDEX change_log_staff ON change_log(staff_no) WHERE staff_no IS NOT NULL;
                CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
                  BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
                CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
                  BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
                """)
        }
        m.registerMigration("v5-plans") { db in
            // Plans imported by the county (issue 13): the current text of each, and every version
            // ever imported (append-only), each tied to the change batch that brought it.
            try db.execute(sql: """
                CREATE TABLE plans (
                  id TEXT PRIMARY KEY CHECK (length(id) > 0),
                  first_year INTEGER NOT NULL CHECK (first_year BETWEEN 1990 AND 2100),
                  last_year INTEGER NOT NULL CHECK (last_year BETWEEN 1990 AND 2100),
                  json TEXT NOT NULL CHECK (json_valid(json)),
                  version INTEGER NOT NULL CHECK (version > 0),
                  CHECK (first_year <= last_year)
                );
                CREATE TABLE plan_versions (
                  id INTEGER PRIMARY KEY,
                  plan_id TEXT NOT NULL,
                  version INTEGER NOT NULL,
                  json TEXT NOT NULL CHECK (json_valid(json)),
                  batch_id INTEGER NOT NULL REFERENCES change_batches(id),
                  UNIQUE (plan_id, version)
                );
                CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
                  BEGIN SELECT RAISE(ABORT, 'plan_versions is append-only'); END;
                CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
                  BEGIN SELECT RAISE(ABORT, 'plan_versions is append-only'); END;
                """)
        }
        m.registerMigration("v6-accounts-sessions-reviews") { db in
            // Web accounts (issue 12): slow salted password hashes, sessions known by a hash of
            // their cookie, every sign-in attempt (for the lockout and the audit), and training
            // reviews (pending → approved | rejected), append-only.
            try db.execute(sql: """
                CREATE TABLE users (
                  id INTEGER PRIMARY KEY,
                  login TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(login) BETWEEN 1 AND 64),
                  display_name TEXT NOT NULL CHECK (length(display_name) > 0),
                  role TEXT NOT NULL CHECK (role = 'county' OR role = 'principal' OR role = 'hr'),
                  school_code TEXT REFERENCES schools(code),
                  password_hash TEXT NOT NULL,
                  created_at TEXT NOT NULL,
                  password_changed_at TEXT NOT NULL,
                  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password = 0 OR must_change_password = 1),
                  disabled_at TEXT,
                  CHECK ((role = 'principal') = (school_code IS NOT NULL))
                );
                CREATE TABLE sessions (
                  id INTEGER PRIMARY KEY,
                  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
                  user_id INTEGER NOT NULL REFERENCES users(id),
                  csrf TEXT NOT NULL CHECK (length(csrf) >= 32),
                  created_at TEXT NOT NULL,
                  last_seen_at TEXT NOT NULL,
                  ended_at TEXT,
                  client TEXT
                );
                CREATE INDEX sessions_user ON sessions(user_id);
                CREATE TABLE login_attempts (
                  id INTEGER PRIMARY KEY,
                  login TEXT NOT NULL COLLATE NOCASE,
                  at TEXT NOT NULL,
                  succeeded INTEGER NOT NULL CHECK (succeeded = 0 OR succeeded = 1),
                  client TEXT
                );
                CREATE INDEX login_attempts_login ON login_attempts(login, at);
                CREATE TRIGGER login_attempts_no_update BEFORE UPDATE ON login_attempts
                  BEGIN SELECT RAISE(ABORT, 'login_attempts is append-only'); END;
                CREATE TRIGGER login_attempts_no_delete BEFORE DELETE ON login_attempts
                  BEGIN SELECT RAISE(ABORT, 'login_attempts is append-only'); END;
                CREATE TABLE training_reviews (
                  id INTEGER PRIMARY KEY,
                  training_id INTEGER NOT NULL REFERENCES training(id),
                  decision TEXT NOT NULL CHECK (decision = 'approved' OR decision = 'rejected'),
                  reason TEXT,
                  batch_id INTEGER NOT NULL REFERENCES change_batches(id),
                  CHECK (decision = 'approved' OR length(trim(reason)) > 0)
                );
                CREATE INDEX training_reviews_training ON training_reviews(training_id);
                CREATE TRIGGER training_reviews_no_update BEFORE UPDATE ON training_reviews
                  BEGIN SELECT RAISE(ABORT, 'training_reviews is append-only'); END;
                CREATE TRIGGER training_reviews_no_delete BEFORE DELETE ON training_reviews
                  BEGIN SELECT RAISE(ABORT, 'training_reviews is append-only'); END;
                CREATE INDEX training_pending ON training(id) WHERE status = 'pending';
                """)
        }
        m.registerMigration("v7-audit") { db in
            // Reads of personal data (issue 14): who, when, what, which school or person, from where.
            try db.execute(sql: """
                CREATE TABLE audit_log (
                  id INTEGER PRIMARY KEY,
                  at TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  role TEXT NOT NULL,
                  client TEXT,
                  route TEXT NOT NULL,
                  what TEXT NOT NULL,
                  school_code TEXT,
                  staff_no TEXT,
                  people INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX audit_log_at ON audit_log(at);
                CREATE INDEX audit_log_staff ON audit_log(staff_no) WHERE staff_no IS NOT NULL;
                CREATE INDEX audit_log_school ON audit_log(school_code) WHERE school_code IS NOT NULL;
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                """)
        }
        m.registerMigration("v8-sealed-national-ids") { db in
            // National identity numbers are stored sealed (AES-GCM, `v1:KEYID:…`, issue 14): the
            // table is rebuilt with a CHECK that refuses a number in clear, and the numbers stored
            // before are sealed on the way.
            try db.execute(sql: """
                CREATE TABLE teachers_v8 (
                  id INTEGER PRIMARY KEY,
                  staff_no TEXT NOT NULL UNIQUE CHECK (length(staff_no) > 0),
                  name TEXT NOT NULL CHECK (length(name) > 0),
                  gender TEXT \(list("gender", "male female", nullable: true)),
                  birth_date TEXT \(date("birth_date")),
                  national_id TEXT CHECK (national_id IS NULL OR substr(national_id, 1, 3) = 'v1:'),
                  hired_on TEXT NOT NULL \(date("hired_on", nullable: false)),
                  left_on TEXT \(date("left_on")),
                  establishment TEXT NOT NULL DEFAULT 'in' \(list("establishment", "in out")),
                  school_since TEXT NOT NULL \(date("school_since", nullable: false)),
                  education TEXT NOT NULL,
                  title TEXT,
                  CHECK (left_on IS NULL OR hired_on <= left_on)
                );
                INSERT INTO teachers_v8 (id, staff_no, name, gender, birth_date, national_id, hired_on, left_on, establishment, school_since, education, title)
                  SELECT id, staff_no, name, gender, birth_date, NULL, hired_on, left_on, establishment, school_since, education, title FROM teachers ORDER BY id;
                """)
            let clear = try Row.fetchAll(db, sql: "SELECT id, national_id FROM teachers WHERE national_id IS NOT NULL")
            for r in clear {
                try db.execute(sql: "UPDATE teachers_v8 SET national_id = ? WHERE id = ?", arguments: [try seal(db, r[1]), r[0] as Int64])
            }
            try db.execute(sql: """
                DROP TABLE teachers;
                ALTER TABLE teachers_v8 RENAME TO teachers;
                """)
        }
        m.registerMigration("v9-token-expiry") { db in
            // Tokens (issue 14): an optional expiry, when each was last used, and names unique among
            // active tokens (an older duplicate keeps its name with its id appended).
            try db.execute(sql: """
                ALTER TABLE tokens ADD COLUMN expires_at TEXT;
                ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
                UPDATE tokens SET name = name || '-' || id
                  WHERE revoked_at IS NULL AND EXISTS (SELECT 1 FROM tokens t WHERE t.name = tokens.name AND t.revoked_at IS NULL AND t.id > tokens.id);
                CREATE UNIQUE INDEX tokens_active_name ON tokens(name) WHERE revoked_at IS NULL;
                -- A batch that recorded nothing (a no-op) is removed in the transaction that made it;
                -- a batch with entries stays append-only.
                DROP TRIGGER change_batches_no_delete;
                CREATE TRIGGER change_batches_no_delete BEFORE DELETE ON change_batches
                  WHEN EXISTS (SELECT 1 FROM change_log WHERE batch_id = OLD.id)
                    OR EXISTS (SELECT 1 FROM training_reviews WHERE batch_id = OLD.id)
                    OR EXISTS (SELECT 1 FROM plan_versions WHERE batch_id = OLD.id)
                  BEGIN SELECT RAISE(ABORT, 'change_batches is append-only'); END;
                """)
        }
        m.registerMigration("v10-counties") { db in
            // Several counties in one registry (issue 15): a school belongs to a county; a county
            // user or token sees only that county (NULL: the whole registry, as before).
            try db.execute(sql: """
                ALTER TABLE schools ADD COLUMN county TEXT CHECK (county IS NULL OR length(county) > 0);
                CREATE INDEX schools_county ON schools(county) WHERE county IS NOT NULL;
                ALTER TABLE users ADD COLUMN county TEXT;
                ALTER TABLE tokens ADD COLUMN county TEXT;
                """)
        }
        return m
    }

    /// The schema version reported by `/health` and `teacher-registry --version`.
    static let schemaVersion = 10

    /// `CHECK (c = 'a' OR c = 'b' …)`: an OR chain, because SQLite builds an ephemeral table for
    /// `IN (…)` on every row checked, which made bulk imports several times slower.
    private static func list(_ column: String, _ codes: String, nullable: Bool = false) -> String {
        let values = codes.split(separator: " ").map { "\(column) = '\($0)'" }.joined(separator: " OR ")
        return nullable ? "CHECK (\(column) IS NULL OR \(values))" : "CHECK (\(values))"
    }

    private static func date(_ column: String, nullable: Bool = true) -> String {
        let shape = "(length(\(column)) = 10 AND date(\(column), '+0 days') = \(column))"
        return nullable ? "CHECK (\(column) IS NULL OR \(shape))" : "CHECK \(shape)"
    }

    private static let stages = "kindergarten primary junior senior vocational vocational_practice special"
    private static let levels = "school county prefecture municipal national"

    private static let v1 = """
    CREATE TABLE schools (
      id INTEGER PRIMARY KEY,
      code TEXT NOT NULL UNIQUE CHECK (length(code) > 0),
      name TEXT NOT NULL CHECK (length(name) > 0),
      type TEXT NOT NULL \(list("type", "kindergarten primary junior nine_year complete_secondary senior vocational special other")),
      area TEXT NOT NULL \(list("area", "urban town rural")),
      township TEXT,
      ownership TEXT NOT NULL \(list("ownership", "public private")),
      students INTEGER CHECK (students IS NULL OR students >= 0),
      pe_quota INTEGER CHECK (pe_quota IS NULL OR pe_quota >= 0),
      arts_quota INTEGER CHECK (arts_quota IS NULL OR arts_quota >= 0),
      opened_on TEXT \(date("opened_on")),
      closed_on TEXT \(date("closed_on")),
      CHECK (opened_on IS NULL OR closed_on IS NULL OR opened_on <= closed_on)
    );

    CREATE TABLE teachers (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL UNIQUE CHECK (length(staff_no) > 0),
      name TEXT NOT NULL CHECK (length(name) > 0),
      gender TEXT \(list("gender", "male female", nullable: true)),
      birth_date TEXT \(date("birth_date")),
      national_id TEXT CHECK (national_id IS NULL OR length(national_id) = 18),
      hired_on TEXT NOT NULL \(date("hired_on", nullable: false)),
      left_on TEXT \(date("left_on")),
      establishment TEXT NOT NULL DEFAULT 'in' \(list("establishment", "in out")),
      -- The keys of the assignment, degree and title records that teachers.csv gives.
      school_since TEXT NOT NULL \(date("school_since", nullable: false)),
      education TEXT NOT NULL,
      title TEXT,
      CHECK (left_on IS NULL OR hired_on <= left_on)
    );

    CREATE TABLE assignments (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      school_code TEXT NOT NULL REFERENCES schools(code),
      from_date TEXT NOT NULL \(date("from_date", nullable: false)),
      to_date TEXT \(date("to_date")),
      post TEXT NOT NULL \(list("post", "teacher admin support worker")),
      stage TEXT NOT NULL \(list("stage", stages)),
      subject TEXT,
      course_type TEXT \(list("course_type", "general specialized", nullable: true)),
      CHECK (to_date IS NULL OR from_date <= to_date),
      CHECK ((stage = 'vocational') = (course_type IS NOT NULL)),
      UNIQUE (staff_no, from_date)
    );
    CREATE INDEX assignments_school ON assignments(school_code);

    CREATE TABLE degrees (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      education TEXT NOT NULL \(list("education", "below_senior senior_secondary secondary_vocational associate bachelor master doctor")),
      obtained_on TEXT NOT NULL \(date("obtained_on", nullable: false)),
      UNIQUE (staff_no, education)
    );

    CREATE TABLE titles (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      title TEXT NOT NULL \(list("title", "none third second first senior professor")),
      from_date TEXT NOT NULL \(date("from_date", nullable: false)),
      UNIQUE (staff_no, title)
    );

    CREATE TABLE training (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      title TEXT NOT NULL CHECK (length(title) > 0),
      level TEXT NOT NULL \(list("level", "national municipal prefecture county school other")),
      mode TEXT \(list("mode", "long_offsite short_face online blended other", nullable: true)),
      kind TEXT NOT NULL DEFAULT 'general' \(list("kind", "general induction young backbone trainer principal class_head special")),
      provider TEXT,
      start_date TEXT NOT NULL \(date("start_date", nullable: false)),
      end_date TEXT NOT NULL \(date("end_date", nullable: false)),
      hours_tenths INTEGER NOT NULL CHECK (hours_tenths > 0 AND hours_tenths <= 20000),
      credits_tenths INTEGER CHECK (credits_tenths IS NULL OR credits_tenths >= 0),
      status TEXT NOT NULL DEFAULT 'approved' \(list("status", "approved pending rejected")),
      ref TEXT CHECK (ref IS NULL OR length(ref) > 0),
      CHECK (start_date <= end_date)
    );
    CREATE UNIQUE INDEX training_ref ON training(ref) WHERE ref IS NOT NULL;
    CREATE UNIQUE INDEX training_natural ON training(staff_no, title, start_date, end_date) WHERE ref IS NULL;
    -- Covers what the reports read, in staff order, so they never seek into the table.
    CREATE INDEX training_staff_end ON training(staff_no, end_date, hours_tenths, kind, level, status);

    -- A void reverses a training record without deleting it (SPEC §8).
    CREATE TABLE training_voids (
      id INTEGER PRIMARY KEY,
      training_id INTEGER NOT NULL UNIQUE REFERENCES training(id),
      voided_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
    );

    CREATE TABLE certificates (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      kind TEXT NOT NULL \(list("kind", "kindergarten primary junior senior vocational vocational_practice higher")),
      subject TEXT,
      number TEXT NOT NULL UNIQUE CHECK (length(number) > 0),
      issued_on TEXT NOT NULL \(date("issued_on", nullable: false)),
      issuer TEXT,
      revoked_on TEXT \(date("revoked_on")),
      CHECK (revoked_on IS NULL OR revoked_on > issued_on)
    );
    CREATE INDEX certificates_staff ON certificates(staff_no);

    CREATE TABLE registrations (
      id INTEGER PRIMARY KEY,
      number TEXT NOT NULL REFERENCES certificates(number),
      registered_on TEXT NOT NULL \(date("registered_on", nullable: false)),
      result TEXT NOT NULL \(list("result", "passed deferred failed")),
      UNIQUE (number, registered_on)
    );

    CREATE TABLE designations (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      kind TEXT NOT NULL \(list("kind", "backbone subject_leader famous_teacher special_grade dual_qualified")),
      level TEXT NOT NULL \(list("level", levels)),
      tier TEXT \(list("tier", "junior intermediate senior", nullable: true)),
      awarded_on TEXT NOT NULL \(date("awarded_on", nullable: false)),
      expires_on TEXT \(date("expires_on")),
      revoked_on TEXT \(date("revoked_on")),
      ref TEXT CHECK (ref IS NULL OR length(ref) > 0),
      CHECK (tier IS NULL OR kind = 'dual_qualified'),
      CHECK (expires_on IS NULL OR expires_on >= awarded_on),
      CHECK (revoked_on IS NULL OR revoked_on > awarded_on)
    );
    CREATE UNIQUE INDEX designations_ref ON designations(ref) WHERE ref IS NOT NULL;
    CREATE UNIQUE INDEX designations_natural ON designations(staff_no, kind, level, awarded_on) WHERE ref IS NULL;
    CREATE INDEX designations_staff ON designations(staff_no);

    CREATE TABLE rotations (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      from_school TEXT NOT NULL REFERENCES schools(code),
      to_school TEXT NOT NULL REFERENCES schools(code),
      kind TEXT NOT NULL \(list("kind", "exchange support itinerant cross_school paired district other")),
      transfers_personnel INTEGER NOT NULL DEFAULT 0 CHECK (transfers_personnel IN (0, 1)),
      start_date TEXT NOT NULL \(date("start_date", nullable: false)),
      end_date TEXT \(date("end_date")),
      CHECK (from_school <> to_school),
      CHECK (end_date IS NULL OR start_date <= end_date),
      UNIQUE (staff_no, start_date)
    );

    CREATE TABLE studios (
      id INTEGER PRIMARY KEY,
      code TEXT NOT NULL UNIQUE CHECK (length(code) > 0),
      name TEXT NOT NULL CHECK (length(name) > 0),
      kind TEXT NOT NULL \(list("kind", "master_teacher master_principal class_head skill_master")),
      level TEXT NOT NULL \(list("level", levels)),
      host_staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      school_code TEXT REFERENCES schools(code),
      stage TEXT \(list("stage", stages, nullable: true)),
      subject TEXT,
      founded_on TEXT NOT NULL \(date("founded_on", nullable: false)),
      closed_on TEXT \(date("closed_on")),
      CHECK (closed_on IS NULL OR founded_on <= closed_on)
    );

    CREATE TABLE studio_members (
      id INTEGER PRIMARY KEY,
      studio_code TEXT NOT NULL REFERENCES studios(code),
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      role TEXT NOT NULL DEFAULT 'member' \(list("role", "host member")),
      joined_on TEXT NOT NULL \(date("joined_on", nullable: false)),
      left_on TEXT \(date("left_on")),
      CHECK (left_on IS NULL OR joined_on <= left_on),
      UNIQUE (studio_code, staff_no, joined_on)
    );

    CREATE TABLE studio_budgets (
      id INTEGER PRIMARY KEY,
      studio_code TEXT NOT NULL REFERENCES studios(code),
      year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2100),
      amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
      UNIQUE (studio_code, year)
    );

    CREATE TABLE appraisals (
      id INTEGER PRIMARY KEY,
      staff_no TEXT NOT NULL REFERENCES teachers(staff_no),
      year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2100),
      result TEXT NOT NULL \(list("result", "excellent passed basic failed none")),
      UNIQUE (staff_no, year)
    );

    -- One entry per write command (an import, a CLI edit, an HTTP write).
    CREATE TABLE change_batches (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      command TEXT NOT NULL,
      source TEXT
    );

    -- One entry per record added, updated or voided: what, from which file and line.
    CREATE TABLE change_log (
      id INTEGER PRIMARY KEY,
      batch_id INTEGER NOT NULL REFERENCES change_batches(id),
      action TEXT NOT NULL CHECK (action IN ('add', 'update', 'void')),
      entity TEXT NOT NULL,
      entity_id INTEGER NOT NULL,
      entity_key TEXT NOT NULL,
      staff_no TEXT,
      file TEXT,
      line INTEGER,
      detail TEXT
    );
    CREATE INDEX change_log_staff ON change_log(staff_no) WHERE staff_no IS NOT NULL;
    """

    private static let appendOnly = """
    CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
      BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
    CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
      BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
    CREATE TRIGGER change_batches_no_update BEFORE UPDATE ON change_batches
      BEGIN SELECT RAISE(ABORT, 'change_batches is append-only'); END;
    CREATE TRIGGER change_batches_no_delete BEFORE DELETE ON change_batches
      BEGIN SELECT RAISE(ABORT, 'change_batches is append-only'); END;
    CREATE TRIGGER training_voids_no_update BEFORE UPDATE ON training_voids
      BEGIN SELECT RAISE(ABORT, 'a void cannot be changed'); END;
    CREATE TRIGGER training_voids_no_delete BEFORE DELETE ON training_voids
      BEGIN SELECT RAISE(ABORT, 'a void cannot be undone by deleting it'); END;
    """
}
