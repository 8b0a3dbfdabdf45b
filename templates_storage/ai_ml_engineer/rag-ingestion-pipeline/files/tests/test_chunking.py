import unittest

from ingest.chunking import chunk_document, embedding_input, split_markdown_sections, split_text
from ingest.loaders import Document, html_to_text

PARAGRAPH = "Refunds are possible within thirty days. " * 12


class SplitTextTest(unittest.TestCase):
    def test_short_text_is_one_chunk(self):
        self.assertEqual(split_text("hello world", 100, 10), ["hello world"])

    def test_chunks_respect_the_size_and_overlap(self):
        text = "\n\n".join(f"Paragraph {i}. " + PARAGRAPH for i in range(6))
        chunks = split_text(text, 600, 80)
        self.assertGreater(len(chunks), 3)
        self.assertTrue(all(len(c) <= 600 for c in chunks), [len(c) for c in chunks])
        for before, after in zip(chunks, chunks[1:]):
            # The start of each chunk repeats words from the end of the previous one.
            self.assertIn(after.split()[0], before[-80:])

    def test_nothing_is_lost(self):
        text = " ".join(f"w{i}" for i in range(2000))
        words = set(" ".join(split_text(text, 300, 0)).split())
        self.assertEqual(words, set(text.split()))

    def test_a_word_longer_than_a_chunk_is_cut(self):
        self.assertEqual(split_text("x" * 250, 100, 0), ["x" * 100, "x" * 100, "x" * 50])

    def test_overlap_must_be_smaller_than_size(self):
        with self.assertRaises(ValueError):
            split_text("abc", 100, 100)


class MarkdownTest(unittest.TestCase):
    TEXT = "Intro line.\n# Guide\nTop.\n## Install\nRun it.\n```\n# not a heading\n```\n### Linux\napt.\n## Use\nGo."

    def test_sections_keep_their_heading_path(self):
        paths = [p for p, _ in split_markdown_sections(self.TEXT)]
        self.assertEqual(paths, [[], ["Guide"], ["Guide", "Install"], ["Guide", "Install", "Linux"], ["Guide", "Use"]])

    def test_headings_inside_code_fences_are_text(self):
        bodies = dict((tuple(p), b) for p, b in split_markdown_sections(self.TEXT))
        self.assertIn("# not a heading", bodies[("Guide", "Install")])

    def test_chunks_carry_context_for_embedding(self):
        chunks = chunk_document(Document("guide.md", "Guide", self.TEXT), "markdown_headers", 200, 20)
        linux = next(c for c in chunks if c.headings[-1:] == ["Linux"])
        self.assertEqual(embedding_input(linux), "Guide > Guide > Install > Linux\n\napt.")
        self.assertEqual([c.index for c in chunks], list(range(len(chunks))))

    def test_recursive_ignores_headings(self):
        chunks = chunk_document(Document("g.md", "G", self.TEXT), "recursive", 1000, 0)
        self.assertEqual(len(chunks), 1)
        self.assertEqual(chunks[0].headings, [])


class HtmlTest(unittest.TestCase):
    def test_visible_text_and_headings(self):
        title, text = html_to_text(
            "<html><head><title>Policy</title><style>p{}</style></head><body><nav>Menu</nav>"
            "<h2>Refunds</h2><p>Within 30&nbsp;days.</p><script>x()</script></body></html>"
        )
        self.assertEqual(title, "Policy")
        self.assertEqual(text, "## Refunds\n\nWithin 30\xa0days.")


if __name__ == "__main__":
    unittest.main()
