import os
import shutil
from pathlib import Path

from bot.common.settings import ROOT
from bot.model import fingerprint, model_path, prune, training_inputs


def _copy_project(tmp_path: Path) -> Path:
    for path in training_inputs(ROOT):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return tmp_path


def test_training_inputs_cover_data_config_and_components() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in training_inputs()}
    assert {"config.yml", "domain.yml", "bot/rasa_plugins/nlu/tokenizer.py", "uv.lock"} <= names
    assert any(n.startswith("data/nlu/") for n in names)
    assert not any(n.startswith("data/knowledge/") for n in names)  # answers need no retraining


def test_fingerprint_is_stable_and_changes_with_the_data(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    before = fingerprint(project)
    assert fingerprint(project) == before
    with (project / "data" / "nlu" / "basics.yml").open("a") as f:
        f.write("\n")
    assert fingerprint(project) != before


def test_knowledge_edits_do_not_change_the_model(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    before = model_path(project)
    (project / "data" / "knowledge").mkdir(parents=True)
    (project / "data" / "knowledge" / "extra.yml").write_text("topic: x\n")
    assert model_path(project) == before


def test_prune_keeps_the_newest_models(tmp_path: Path) -> None:
    for age, name in enumerate(["vss-a", "vss-b", "vss-c", "vss-d"]):
        path = tmp_path / f"{name}.tar.gz"
        path.write_bytes(b"model")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))  # vss-a is the newest
    (tmp_path / "other.tar.gz").write_bytes(b"not ours")
    removed = prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == ["vss-c.tar.gz", "vss-d.tar.gz"]
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["other.tar.gz", "vss-a.tar.gz", "vss-b.tar.gz"]
