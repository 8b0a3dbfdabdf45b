import tempfile
import unittest
from pathlib import Path

from batch_infer.sharding import files_for_shard, shard_of


class ShardingTest(unittest.TestCase):
    def test_every_file_in_exactly_one_shard(self):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            for i in range(60):
                (root / f"day={i % 3}").mkdir(exist_ok=True)
                (root / f"day={i % 3}" / f"part-{i:04d}.jsonl").write_text("{}\n")
            (root / "ignored.txt").write_text("x")
            owned = [files_for_shard(root, i, 7) for i in range(7)]
        flat = [p for shard in owned for p in shard]
        self.assertEqual(len(flat), 60)
        self.assertEqual(len(set(flat)), 60)
        self.assertTrue(all(len(shard) > 0 for shard in owned))

    def test_a_file_keeps_its_shard(self):
        self.assertEqual(shard_of("day=1/part-0001.jsonl", {{ shards }}), shard_of("day=1/part-0001.jsonl", {{ shards }}))

    def test_index_out_of_range(self):
        with self.assertRaises(ValueError):
            files_for_shard(Path("."), {{ shards }}, {{ shards }})


if __name__ == "__main__":
    unittest.main()
