-- Landing (raw text as the feed delivers it), mart (typed facts) and qa (test helpers).
CREATE SCHEMA IF NOT EXISTS landing;
CREATE SCHEMA IF NOT EXISTS mart;
CREATE SCHEMA IF NOT EXISTS qa;

-- Every column is text: the feed is loaded as it comes (COPY from CSV), typing is the
-- pipeline's job, and a malformed value must reach quarantine, not abort the COPY.
CREATE TABLE landing.{{ source_name }} (
    landing_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id     text        NOT NULL,
    record_id    text,
    customer_id  text,
    amount       text,
    currency     text,
    occurred_at  text,
    updated_at   text,
    loaded_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE landing.{{ source_name }}_quarantine (
    landing_id     bigint      NOT NULL,
    batch_id       text        NOT NULL,
    record_id      text,
    reason         text        NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (landing_id, reason)
);

CREATE TABLE mart.fact_{{ source_name }} (
    record_id    text           PRIMARY KEY,
    customer_id  bigint         NOT NULL,
    amount       numeric(12, 2) NOT NULL CHECK (amount >= 0 AND amount <= {{ max_amount }}),
    currency     char(3)        NOT NULL CHECK (currency = '{{ currency }}'),
    occurred_at  timestamptz    NOT NULL,
    updated_at   timestamptz    NOT NULL,
    landing_id   bigint         NOT NULL
);

CREATE TABLE mart.daily_{{ source_name }} (
    day           date           PRIMARY KEY,
    record_count  integer        NOT NULL,
    total_amount  numeric(14, 2) NOT NULL
);

-- One row per run: what was read, loaded and quarantined{% if load_mode == 'incremental' %}, and the watermark reached{% endif %}.
CREATE TABLE mart.load_runs (
    run_id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    read_rows    integer     NOT NULL,
    loaded_rows  integer     NOT NULL,
    quarantined  integer     NOT NULL,
    watermark    timestamptz
);
