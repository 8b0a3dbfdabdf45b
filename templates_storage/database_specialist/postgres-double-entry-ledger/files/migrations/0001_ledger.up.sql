-- Double-entry ledger: every movement of value is a journal entry whose postings sum to
-- zero{% if multi_currency %} in each currency{% endif %}. A posting's amount is signed: positive debits the account, negative
-- credits it. Entries are never changed or deleted; a mistake is corrected by a reversal.
CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.account (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9:._-]+$'),
    name        text NOT NULL,
    -- The account's type decides its normal side: assets and expenses grow with debits,
    -- liabilities, equity and income with credits.
    type        text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
{%- if multi_currency %}
    currency    char(3) NOT NULL DEFAULT '{{ currency }}' CHECK (currency ~ '^[A-Z]{3}$'),
{%- else %}
    -- One currency for the whole ledger: mixing currencies needs multi_currency.
    currency    char(3) NOT NULL DEFAULT '{{ currency }}' CHECK (currency = '{{ currency }}'),
{%- endif %}
    -- Debits minus credits, kept by the posting trigger (read it instead of summing postings).
    balance     numeric(19, {{ amount_scale }}) NOT NULL DEFAULT 0,
{%- if enforce_non_negative %}
    -- A wallet or a stock account must never go below zero on its normal side.
    allow_negative boolean NOT NULL DEFAULT true,
    CONSTRAINT account_non_negative CHECK (
        allow_negative OR (CASE WHEN type IN ('asset', 'expense') THEN balance ELSE -balance END) >= 0
    ),
{%- endif %}
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{ schema }}.journal_entry (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    description     text NOT NULL,
    effective_date  date NOT NULL DEFAULT current_date,
    -- A retried request with the same key gets the entry it already made.
    idempotency_key text UNIQUE,
    -- An entry is reversed at most once.
    reverses_id     bigint UNIQUE REFERENCES {{ schema }}.journal_entry (id),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{ schema }}.posting (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id    bigint NOT NULL REFERENCES {{ schema }}.journal_entry (id),
    account_id  bigint NOT NULL REFERENCES {{ schema }}.account (id),
    amount      numeric(19, {{ amount_scale }}) NOT NULL CHECK (amount <> 0)
);
CREATE INDEX posting_entry_idx ON {{ schema }}.posting (entry_id);
CREATE INDEX posting_account_idx ON {{ schema }}.posting (account_id, entry_id);

-- History is append-only: corrections are new entries (reverse_entry), never edits.
CREATE FUNCTION {{ schema }}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: post a reversal instead of %', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER posting_append_only BEFORE UPDATE OR DELETE ON {{ schema }}.posting
    FOR EACH ROW EXECUTE FUNCTION {{ schema }}.refuse_change();
CREATE TRIGGER posting_no_truncate BEFORE TRUNCATE ON {{ schema }}.posting
    FOR EACH STATEMENT EXECUTE FUNCTION {{ schema }}.refuse_change();
CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON {{ schema }}.journal_entry
    FOR EACH ROW EXECUTE FUNCTION {{ schema }}.refuse_change();
CREATE TRIGGER entry_no_truncate BEFORE TRUNCATE ON {{ schema }}.journal_entry
    FOR EACH STATEMENT EXECUTE FUNCTION {{ schema }}.refuse_change();

-- The cached balance moves with each posting; the account row lock also serializes
-- concurrent postings to one account{% if enforce_non_negative %}, so the non-negative check sees every one{% endif %}.
CREATE FUNCTION {{ schema }}.apply_posting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {{ schema }}.account SET balance = balance + NEW.amount WHERE id = NEW.account_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER posting_apply AFTER INSERT ON {{ schema }}.posting
    FOR EACH ROW EXECUTE FUNCTION {{ schema }}.apply_posting();

-- Deferred to commit: the postings of one entry are inserted one by one, and only the
-- whole set has to balance (a lone posting never does: amounts are never zero).
CREATE FUNCTION {{ schema }}.check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    off record;
BEGIN
    SELECT a.currency, sum(p.amount) AS total INTO off
      FROM {{ schema }}.posting p JOIN {{ schema }}.account a ON a.id = p.account_id
     WHERE p.entry_id = NEW.entry_id
     GROUP BY a.currency
    HAVING sum(p.amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: postings in % sum to %', NEW.entry_id, off.currency, off.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER posting_balanced AFTER INSERT ON {{ schema }}.posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION {{ schema }}.check_entry_balanced();

-- Posts one entry from a JSON array of {"account": code, "amount": signed amount}.
-- With an idempotency key, a repeated call returns the first call's entry unchanged.
CREATE FUNCTION {{ schema }}.post_entry(
    p_description text,
    p_postings jsonb,
    p_idempotency_key text DEFAULT NULL,
    p_effective_date date DEFAULT current_date
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    entry bigint;
    wanted int;
    written int;
BEGIN
    -- ON CONFLICT waits for a concurrent call with the same key, then finds its entry.
    INSERT INTO {{ schema }}.journal_entry (description, effective_date, idempotency_key)
    VALUES (p_description, p_effective_date, p_idempotency_key)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO entry;
    IF entry IS NULL THEN
        SELECT id INTO entry FROM {{ schema }}.journal_entry WHERE idempotency_key = p_idempotency_key;
        RETURN entry;
    END IF;
    wanted := jsonb_array_length(p_postings);
    -- Accounts are locked in id order so that two entries touching the same accounts
    -- cannot deadlock.
    INSERT INTO {{ schema }}.posting (entry_id, account_id, amount)
    SELECT entry, a.id, x.amount
      FROM jsonb_to_recordset(p_postings) AS x(account text, amount numeric)
      JOIN {{ schema }}.account a ON a.code = x.account
     ORDER BY a.id;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written <> wanted THEN
        RAISE EXCEPTION 'journal entry names an account that does not exist (% of % postings matched)', written, wanted
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN entry;
END
$$;

-- The correction of a posted entry: the same postings with opposite signs.
CREATE FUNCTION {{ schema }}.reverse_entry(p_entry_id bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    entry bigint;
BEGIN
    INSERT INTO {{ schema }}.journal_entry (description, reverses_id)
    VALUES (format('Reversal of entry %s: %s', p_entry_id, p_reason), p_entry_id)
    RETURNING id INTO entry;
    INSERT INTO {{ schema }}.posting (entry_id, account_id, amount)
    SELECT entry, account_id, -amount FROM {{ schema }}.posting WHERE entry_id = p_entry_id ORDER BY account_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'journal entry % does not exist', p_entry_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN entry;
END
$$;

-- Balance of an account at the end of a day, from the postings (audits, statements).
CREATE FUNCTION {{ schema }}.balance_as_of(p_code text, p_date date) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(p.amount), 0)
      FROM {{ schema }}.posting p
      JOIN {{ schema }}.journal_entry e ON e.id = p.entry_id
      JOIN {{ schema }}.account a ON a.id = p.account_id
     WHERE a.code = p_code AND e.effective_date <= p_date
$$;

-- Trial balance: debits and credits per account; each currency's debits equal its credits.
CREATE VIEW {{ schema }}.trial_balance AS
SELECT a.code,
       a.name,
       a.type,
       a.currency,
       coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0)  AS debits,
       coalesce(-sum(p.amount) FILTER (WHERE p.amount < 0), 0) AS credits,
       a.balance,
       CASE WHEN a.type IN ('asset', 'expense') THEN a.balance ELSE -a.balance END AS normal_balance
  FROM {{ schema }}.account a
  LEFT JOIN {{ schema }}.posting p ON p.account_id = a.id
 GROUP BY a.id;
