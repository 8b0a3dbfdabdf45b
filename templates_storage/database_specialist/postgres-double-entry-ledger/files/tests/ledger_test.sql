-- Runs statement by statement (autocommit): each DO block is one transaction, so the
-- deferred balance check fires at its end, or earlier where SET CONSTRAINTS asks for it.
INSERT INTO {{ schema }}.account (code, name, type{% if enforce_non_negative %}, allow_negative{% endif %}) VALUES
    ('assets:cash', 'Cash', 'asset'{% if enforce_non_negative %}, false{% endif %}),
    ('income:sales', 'Sales', 'income'{% if enforce_non_negative %}, true{% endif %}),
    ('liabilities:customer:42', 'Customer 42 wallet', 'liability'{% if enforce_non_negative %}, false{% endif %}),
    ('expenses:fees', 'Payment fees', 'expense'{% if enforce_non_negative %}, true{% endif %});

DO $$
DECLARE
    first_id bigint;
    again_id bigint;
    reversal bigint;
BEGIN
    first_id := {{ schema }}.post_entry('Sale #1', '[
        {"account": "assets:cash", "amount": 100},
        {"account": "income:sales", "amount": -100}]', 'sale-1');
    again_id := {{ schema }}.post_entry('Sale #1 (retried)', '[
        {"account": "assets:cash", "amount": 100},
        {"account": "income:sales", "amount": -100}]', 'sale-1');
    IF again_id <> first_id THEN
        RAISE EXCEPTION 'a retried post with the same idempotency key made a second entry';
    END IF;
    PERFORM {{ schema }}.post_entry('Top-up of wallet 42', '[
        {"account": "assets:cash", "amount": 50},
        {"account": "liabilities:customer:42", "amount": -50}]');
    PERFORM {{ schema }}.post_entry('Card fee', '[
        {"account": "expenses:fees", "amount": 3},
        {"account": "assets:cash", "amount": -3}]');
    IF (SELECT balance FROM {{ schema }}.account WHERE code = 'assets:cash') <> 147 THEN
        RAISE EXCEPTION 'cash balance is %, expected 147', (SELECT balance FROM {{ schema }}.account WHERE code = 'assets:cash');
    END IF;
    reversal := {{ schema }}.reverse_entry(first_id, 'refund');
    IF {{ schema }}.balance_as_of('income:sales', current_date) <> 0 THEN
        RAISE EXCEPTION 'a reversed sale left income behind';
    END IF;
    BEGIN
        PERFORM {{ schema }}.reverse_entry(first_id, 'twice');
        RAISE EXCEPTION 'an entry was reversed twice';
    EXCEPTION WHEN unique_violation THEN
        NULL;
    END;
END
$$;

-- The trial balance balances, and each cached balance equals the sum of its postings.
DO $$
BEGIN
    IF EXISTS (SELECT currency FROM {{ schema }}.trial_balance GROUP BY currency HAVING sum(debits) <> sum(credits)) THEN
        RAISE EXCEPTION 'trial balance debits and credits differ';
    END IF;
    IF EXISTS (
        SELECT 1 FROM {{ schema }}.account a
         WHERE a.balance <> (SELECT coalesce(sum(amount), 0) FROM {{ schema }}.posting WHERE account_id = a.id)
    ) THEN
        RAISE EXCEPTION 'a cached balance drifted from its postings';
    END IF;
    IF (SELECT normal_balance FROM {{ schema }}.trial_balance WHERE code = 'liabilities:customer:42') <> 50 THEN
        RAISE EXCEPTION 'the wallet liability should show 50 on its credit side';
    END IF;
END
$$;

-- What must be refused: unbalanced entries, single postings, unknown accounts, edits.
DO $$
BEGIN
    BEGIN
        PERFORM {{ schema }}.post_entry('Unbalanced', '[
            {"account": "assets:cash", "amount": 10},
            {"account": "income:sales", "amount": -9}]');
        SET CONSTRAINTS ALL IMMEDIATE;
        RAISE EXCEPTION 'an unbalanced entry was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
    BEGIN
        PERFORM {{ schema }}.post_entry('Lonely', '[{"account": "assets:cash", "amount": 10}]');
        SET CONSTRAINTS ALL IMMEDIATE;
        RAISE EXCEPTION 'a one-posting entry was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
    BEGIN
        PERFORM {{ schema }}.post_entry('Typo', '[
            {"account": "assets:csh", "amount": 10},
            {"account": "income:sales", "amount": -10}]');
        RAISE EXCEPTION 'an entry naming an unknown account was accepted';
    EXCEPTION WHEN foreign_key_violation THEN
        NULL;
    END;
    BEGIN
        UPDATE {{ schema }}.posting SET amount = amount * 2;
        RAISE EXCEPTION 'a posting was edited';
    EXCEPTION WHEN restrict_violation THEN
        NULL;
    END;
    BEGIN
        DELETE FROM {{ schema }}.journal_entry;
        RAISE EXCEPTION 'a journal entry was deleted';
    EXCEPTION WHEN restrict_violation THEN
        NULL;
    END;
END
$$;
{%- if enforce_non_negative %}

-- The wallet holds 50: paying out 80 would take it below zero.
DO $$
BEGIN
    BEGIN
        PERFORM {{ schema }}.post_entry('Payout', '[
            {"account": "liabilities:customer:42", "amount": 80},
            {"account": "assets:cash", "amount": -80}]');
        RAISE EXCEPTION 'a wallet was overdrawn';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
END
$$;
{%- endif %}
{%- if multi_currency %}

-- Each currency balances on its own: a 10 {{ currency }} = 9 XTS exchange needs an FX account per currency.
INSERT INTO {{ schema }}.account (code, name, type, currency) VALUES
    ('assets:cash:xts', 'Cash (XTS)', 'asset', 'XTS'),
    ('equity:fx:{{ currency | downcase }}', 'FX position ({{ currency }})', 'equity', '{{ currency }}'),
    ('equity:fx:xts', 'FX position (XTS)', 'equity', 'XTS');

DO $$
BEGIN
    PERFORM {{ schema }}.post_entry('Exchange', '[
        {"account": "equity:fx:{{ currency | downcase }}", "amount": 10},
        {"account": "assets:cash", "amount": -10},
        {"account": "assets:cash:xts", "amount": 9},
        {"account": "equity:fx:xts", "amount": -9}]');
    BEGIN
        PERFORM {{ schema }}.post_entry('Cross-currency shortcut', '[
            {"account": "assets:cash:xts", "amount": 10},
            {"account": "assets:cash", "amount": -10}]');
        SET CONSTRAINTS ALL IMMEDIATE;
        RAISE EXCEPTION 'an entry balanced across two currencies was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
END
$$;
{%- else %}

DO $$
BEGIN
    INSERT INTO {{ schema }}.account (code, name, type, currency) VALUES ('assets:cash:xts', 'Cash (XTS)', 'asset', 'XTS');
    RAISE EXCEPTION 'an account in a second currency was accepted by a one-currency ledger';
EXCEPTION WHEN check_violation THEN
    NULL;
END
$$;
{%- endif %}
