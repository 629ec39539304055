"""jieba's prefix dictionary is loaded from speechkg's pickle in the user's cache when there is one."""

from __future__ import annotations

import jieba

from speechkg.graph.extract import common


def test_the_pickled_dictionary_round_trips_and_a_damaged_one_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    written = jieba.Tokenizer()
    written.FREQ, written.total = {"发展": 3, "发": 0}, 3
    common._pickle_dictionary(written)
    read = jieba.Tokenizer()
    assert common._load_pickled_dictionary(read)
    assert (read.FREQ, read.total, read.initialized) == ({"发展": 3, "发": 0}, 3, True)
    common._dictionary_cache(read).write_bytes(b"not a pickle")
    assert not common._load_pickled_dictionary(jieba.Tokenizer())


def test_no_home_to_keep_the_pickle_in_is_no_error(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(common.Path, "home", staticmethod(no_home))
    common._pickle_dictionary(jieba.Tokenizer())
    assert not common._load_pickled_dictionary(jieba.Tokenizer())
