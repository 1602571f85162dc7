
from factorysafe import create_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FACTORYSAFE_SECRET_KEY", raising=False)
    inst = tmp_path / "inst"
    cfg = {"INSTANCE_PATH": str(inst), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(cfg).config["SECRET_KEY"]
    second = create_app(cfg).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (inst / "secret_key").read_text().strip() == first
    assert oct((inst / "secret_key").stat().st_mode)[-3:] == "600"
    other = create_app({"INSTANCE_PATH": str(tmp_path / "other"), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert other.config["SECRET_KEY"] != first


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    inst = tmp_path / "i"
    monkeypatch.setenv("FACTORYSAFE_INSTANCE_PATH", str(inst))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(inst / "factorysafe.sqlite")


def test_config_layers_instance_file_then_environment_then_test_config(tmp_path, monkeypatch):
    inst = tmp_path / "i"
    inst.mkdir()
    (inst / "config.py").write_text("PHOTO_MAX_DISTANCE_M = 500\nREQUALIFY_MONTHS = 12\nESCALATION_OVERDUE_DAYS = 9\n")
    monkeypatch.setenv("FACTORYSAFE_INSTANCE_PATH", str(inst))
    monkeypatch.setenv("FACTORYSAFE_REQUALIFY_MONTHS", "24")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/prod")
    app = create_app()
    assert app.config["PHOTO_MAX_DISTANCE_M"] == 500  # from instance/config.py
    assert app.config["REQUALIFY_MONTHS"] == 24  # environment beats the instance file
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/prod"
    app = create_app({"INSTANCE_PATH": str(inst), "ESCALATION_OVERDUE_DAYS": 3})
    assert app.config["ESCALATION_OVERDUE_DAYS"] == 3  # test_config wins
    assert app.config["PHOTO_MAX_DISTANCE_M"] == 1000  # instance file skipped for a test config
