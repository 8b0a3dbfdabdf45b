CREATE TABLE {{ entity }} (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(){% if soft_delete %},
    deleted_at timestamptz{% endif %}
);
{%- if soft_delete %}
-- Unique among live rows only: a deleted email can sign up again.
CREATE UNIQUE INDEX {{ entity }}_email_key ON {{ entity }} (lower(email)) WHERE deleted_at IS NULL;
{%- else %}
CREATE UNIQUE INDEX {{ entity }}_email_key ON {{ entity }} (lower(email));
{%- endif %}
