-- Suggestions at intake (issue 16 §1, "in the product"): the classifier the server trains from
-- the deployment's own history, and what each intake was offered and chose.
--
-- text_models keeps the last few trained models (the server loads the newest at start and
-- after each retrain): the classifier's bytes (suqiu_text::classify::Model::to_bytes), the
-- labels it knows (category codes, a JSON list), the held-out figures of the split it was
-- checked on (metrics_json) and the usual handlers by category and place (handlers_json,
-- suqiu_core::suggest::HandlerTable), which are counted, not learned.
CREATE TABLE text_models (
    id            INTEGER PRIMARY KEY,
    version       BIGINT NOT NULL UNIQUE,
    trained_at    BIGINT NOT NULL,
    n_texts       BIGINT NOT NULL,
    labels        TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    metrics_json  TEXT NOT NULL,
    handlers_json TEXT NOT NULL
);

-- One row per desk intake registered while a model was ready: the model's version, its top
-- three (a JSON list of category codes, best first), the category the receptionist chose and
-- its rank among the three (NULL: none of them). `month` is the Shanghai month of the intake
-- (YYYY-MM), so /admin's acceptance per month is one grouped read of an index.
CREATE TABLE category_suggestions (
    appeal_id      BIGINT PRIMARY KEY REFERENCES appeals (id),
    model_version  BIGINT NOT NULL,
    suggested_json TEXT NOT NULL,
    chosen         TEXT NOT NULL,
    accepted_rank  BIGINT,
    month          TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX category_suggestions_month ON category_suggestions (month, accepted_rank);
