-- A user's todos; the todo API pages newest first by (created_at, id).
CREATE TABLE todos (
    id INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX todos_newest_first ON todos (created_at DESC, id DESC);
