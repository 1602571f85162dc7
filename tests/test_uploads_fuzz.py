"""Property tests of the photo pipeline (``factorysafe.uploads.ingest_photo``): random bytes, truncated photos
and photos with damaged bytes are either accepted as whole photos or refused with a clear ``PhotoRejected``
(a message and a 4xx status), never another exception; a refused photo leaves no row behind."""
from __future__ import annotations

import functools
import io
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers_photos as hp
from factorysafe.db import db
from factorysafe.inspections.models import Photo
from factorysafe.uploads import PhotoRejected, derivative_path, ingest_photo

NAMES = st.sampled_from(["photo.jpg", "photo.jpeg", "photo.png", "photo.webp", "photo.heic", "photo", "photo.JPG",
                         "photo.gif", "photo.svg", "../../etc/passwd", "ছবি.jpg", "photo.jpg\x00.png", ""])
SEEN: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nphoto pipeline examples: {sum(SEEN.values())}: {dict(SEEN)}")


@functools.cache
def sample(fmt: str) -> bytes:
    """A small real photo in ``fmt``, made once."""
    if fmt == "HEIF":
        return hp.heic((96, 64))
    if fmt == "JPEG":
        return hp.jpeg((96, 64), orientation=6, gps=(23.89, 90.40), quality=80)
    return hp.encode(fmt, (96, 64))


FORMATS = st.sampled_from(["JPEG", "PNG", "WEBP", "HEIF"])
NAME_OF = {"JPEG": "p.jpg", "PNG": "p.png", "WEBP": "p.webp", "HEIF": "p.heic"}


def outcome(app, data: bytes, name: str) -> str:
    """"accepted" or "refused"; any other exception fails the test. Nothing is committed."""
    with app.app_context():
        try:
            photo = ingest_photo(io.BytesIO(data), name)
        except PhotoRejected as exc:
            db.session.rollback()
            assert str(exc).strip() and 400 <= exc.status < 500, (exc, exc.status)
            assert db.session.query(Photo).count() == 0
            return "refused"
        for kind in ("thumb", "web", "original"):
            assert derivative_path(photo, kind).is_file()
        assert photo.width > 0 and photo.height > 0
        db.session.rollback()
        return "accepted"


@given(data=st.binary(max_size=4096), name=NAMES)
def test_random_bytes_are_refused_clearly(app, data, name):
    SEEN["random bytes"] += 1
    assert outcome(app, data, name) == "refused"


@given(fmt=FORMATS, cut=st.floats(0.0, 1.0, exclude_max=True))
def test_a_truncated_photo_is_refused(app, fmt, cut):
    SEEN["truncated"] += 1
    whole = sample(fmt)
    assert outcome(app, whole[: int(len(whole) * cut)], NAME_OF[fmt]) == "refused"


@given(fmt=FORMATS, flips=st.lists(st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(1, 255)),
                                   min_size=1, max_size=8))
def test_a_photo_with_damaged_bytes_is_accepted_whole_or_refused(app, fmt, flips):
    SEEN["damaged"] += 1
    data = bytearray(sample(fmt))
    for where, xor in flips:
        data[int(len(data) * where)] ^= xor
    SEEN["damaged " + outcome(app, bytes(data), NAME_OF[fmt])] += 1


@given(fmt=FORMATS, head=st.binary(min_size=1, max_size=64))
def test_bytes_before_a_photo_make_it_refused(app, fmt, head):
    SEEN["junk before"] += 1
    assert outcome(app, head + sample(fmt), NAME_OF[fmt]) == "refused"
