-- The floor for importing training.csv: sqlite3's own .import into the same schema (CHECKs,
-- foreign keys, indexes), through a view whose trigger turns empty cells into NULL.
-- No validation messages, no upsert, no change log: what SQLite alone costs.
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -65536;
CREATE TEMP VIEW training_in AS
  SELECT staff_no, title, level, mode, kind, provider, start_date, end_date, hours_tenths, credits_tenths, status, ref FROM training;
CREATE TEMP TRIGGER training_in_insert INSTEAD OF INSERT ON training_in BEGIN
  INSERT INTO training (staff_no, title, level, mode, kind, provider, start_date, end_date, hours_tenths, credits_tenths, status, ref)
  VALUES (NEW.staff_no, NEW.title, NEW.level, NULLIF(NEW.mode, ''), NEW.kind, NULLIF(NEW.provider, ''), NEW.start_date, NEW.end_date,
          CAST(NEW.hours_tenths AS INTEGER), CAST(NULLIF(NEW.credits_tenths, '') AS INTEGER), NEW.status, NULLIF(NEW.ref, ''));
END;
BEGIN;
.mode csv
.import --skip 1 training-tenths.csv training_in
COMMIT;
