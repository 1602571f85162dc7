"""The package layout keeps the standard library importable (no top-level ``inspect``)."""
import inspect as imported_inspect
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_inspect_from_repo_root_is_the_standard_library():
    out = subprocess.run([sys.executable, "-c", "import inspect, flask; print(inspect.__file__)"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(out).resolve().parent == Path(sysconfig.get_paths()["stdlib"]).resolve()


def test_no_top_level_package_shadows_inspect():
    assert not (ROOT / "inspect").exists() and not (ROOT / "inspect.py").exists()
    assert Path(imported_inspect.__file__).resolve().parent == Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert (ROOT / "factorysafe" / "inspections" / "__init__.py").exists()


def test_every_vendored_asset_is_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    for path in ("/static/vendor/pico/pico.min.css", "/static/css/app.css"):
        assert client.get(path).status_code == 200
