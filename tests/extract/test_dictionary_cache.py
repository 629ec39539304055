"""jieba's prefix dictionary is loaded from speechkg's JSON file in the user's cache when there is one."""

from __future__ import annotations

import jieba

from speechkg.graph.extract import common


def test_the_saved_dictionary_round_trips_and_a_damaged_one_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    written = jieba.Tokenizer()
    written.FREQ, written.total = {"发展": 3, "发": 0}, 3
    common._save_dictionary(written)
    read = jieba.Tokenizer()
    assert common._load_saved_dictionary(read)
    assert (read.FREQ, read.total, read.initialized) == ({"发展": 3, "发": 0}, 3, True)
    common._dictionary_cache(read).write_bytes(b"not json")
    assert not common._load_saved_dictionary(jieba.Tokenizer())
    common._dictionary_cache(read).write_text('[{"发展": "3"}, 3]', encoding="utf-8")  # not counts
    assert not common._load_saved_dictionary(jieba.Tokenizer())


def test_no_home_to_keep_the_dictionary_in_is_no_error(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(common.Path, "home", staticmethod(no_home))
    common._save_dictionary(jieba.Tokenizer())
    assert not common._load_saved_dictionary(jieba.Tokenizer())
