-- Notices are written in both languages when created (core::notice): each reader sees the
-- language of their pages. Notices written before this migration have only Chinese ('').
ALTER TABLE notifications ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN body_en TEXT NOT NULL DEFAULT '';
