DROP TABLE IF EXISTS {{ entity }};
