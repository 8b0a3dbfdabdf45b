import io
import unittest

from {{ package }}.stats import InvalidNumber, percentile, read_numbers, summarise


class ReadNumbersTest(unittest.TestCase):
    def test_skips_blank_lines_and_comments(self):
        stream = io.StringIO("# latency in ms\n12\n\n  7.5 \n# end\n")
        self.assertEqual(list(read_numbers(stream, "t")), [12.0, 7.5])

    def test_names_the_line_of_a_bad_value(self):
        stream = io.StringIO("1\n2\nthree\n")
        with self.assertRaises(InvalidNumber) as caught:
            list(read_numbers(stream, "data.txt"))
        self.assertEqual(str(caught.exception), "data.txt:3: not a number: 'three'")

    def test_refuses_nan_and_infinity_unless_skipping(self):
        with self.assertRaises(InvalidNumber):
            list(read_numbers(io.StringIO("nan\n"), "t"))
        self.assertEqual(list(read_numbers(io.StringIO("inf\n4\nx\n"), "t", skip_invalid=True)), [4.0])


class SummariseTest(unittest.TestCase):
    def test_percentiles_interpolate_between_ranks(self):
        ordered = [10.0, 20.0, 30.0, 40.0]
        self.assertEqual(percentile(ordered, 0), 10.0)
        self.assertEqual(percentile(ordered, 50), 25.0)
        self.assertAlmostEqual(percentile(ordered, 90), 37.0)
        self.assertEqual(percentile(ordered, 100), 40.0)
        self.assertEqual(percentile([5.0], 99), 5.0)

    def test_summary(self):
        summary = summarise([3, 1, 2], [50])
        self.assertEqual((summary.count, summary.minimum, summary.maximum, summary.mean), (3, 1, 3, 2))
        self.assertEqual(summary.percentiles, {50: 2})

    def test_nothing_to_summarise(self):
        with self.assertRaises(ValueError):
            summarise([], [50])


if __name__ == "__main__":
    unittest.main()
