INSERT INTO {{ table_name }} (customer_id, total_cents, created_at)
SELECT g, g * 100, now() - make_interval(days => {{ age_days }} + g)
  FROM generate_series(1, {{ batch_size | times: 2 | plus: 3 }}) AS g;
INSERT INTO {{ table_name }} (customer_id, total_cents) VALUES (0, 999);
