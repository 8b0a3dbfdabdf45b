import unittest

from prompteval.scorers import SCORERS, contains, json_keys, max_words, not_contains, regex


class ScorersTest(unittest.TestCase):
    def test_contains_is_case_insensitive_unless_asked(self):
        self.assertTrue(contains("Within 30 Days", {"value": "30 days"})[0])
        self.assertFalse(contains("Within 30 Days", {"value": "30 days", "case_sensitive": True})[0])

    def test_not_contains(self):
        self.assertEqual(not_contains("no refund", {"value": "you will get a refund"}), (True, ""))
        self.assertFalse(not_contains("You will get a refund!", {"value": "you will get a refund"})[0])

    def test_regex_reports_the_pattern(self):
        ok, why = regex("hello", {"pattern": "^bye"})
        self.assertFalse(ok)
        self.assertIn("^bye", why)

    def test_json_keys_accepts_a_fenced_object(self):
        self.assertTrue(json_keys('```json\n{"a": 1, "b": 2}\n```', {"required": ["a", "b"]})[0])
        self.assertEqual(json_keys('{"a": 1}', {"required": ["a", "b"]})[1], "missing keys ['b']")
        self.assertFalse(json_keys("[1, 2]", {})[0])
        self.assertTrue(json_keys("not json", {})[1].startswith("not JSON"))

    def test_max_words(self):
        self.assertTrue(max_words("one two three", {"value": 3})[0])
        self.assertFalse(max_words("one two three four", {"value": 3})[0])

    def test_every_scorer_is_registered(self):
        self.assertEqual(set(SCORERS), {"exact", "contains", "not_contains", "regex", "json_keys", "max_words"})


if __name__ == "__main__":
    unittest.main()
