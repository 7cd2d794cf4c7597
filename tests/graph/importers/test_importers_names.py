"""Name normalisation: the documented variants meet, distinct names stay apart."""

from __future__ import annotations

import pytest
from govkg.graph.importers.names import model_key, org_key, slugify
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Llama 3.1-405B", "Llama 3.1 405B"),
        ("LLaMA-65B", "llama 65b"),
        ("Llama2", "Llama 2"),
        ("GPT-4o", "gpt 4o"),
        ("PaLM (540B)", "PaLM 540B"),
        ("StarCoder2-15B", "StarCoder 2 15B"),
        ("Claude\u00a03.5  Sonnet", "claude 3.5 sonnet"),
    ],
)
def test_model_spelling_variants_meet(a, b):
    assert model_key(a) == model_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Command R", "Command R+"),
        ("Llama 3.1", "Llama 3.1 405B"),
        ("GPT-4", "GPT-4o"),
        ("Llama 3.1 405B", "Llama 3.14 05B"),
    ],
)
def test_distinct_models_stay_apart(a, b):
    assert model_key(a) != model_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Meta AI", "Meta"),
        ("Google Deepmind", "Google DeepMind"),
        ("Runway AI, Inc.", "Runway"),
        ("Acme Ltd.", "ACME"),
        ("The Allen Institute", "Allen Institute"),
    ],
)
def test_organisation_variants_meet(a, b):
    assert org_key(a) == org_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Allen Institute for AI", "Allen Institute for"),
        ("01.AI", "01"),
        ("Google", "Google DeepMind"),
        ("xAI", "x"),
    ],
)
def test_distinct_organisations_stay_apart(a, b):
    assert org_key(a) != org_key(b)


@given(st.text(max_size=40))
def test_keys_are_fixed_points(name):
    assert model_key(model_key(name)) == model_key(name)
    assert org_key(org_key(name)) == org_key(name)


@given(st.text(min_size=1, max_size=40))
def test_slugs_are_iri_safe(name):
    slug = slugify(name)
    assert slug and all(c.isascii() and (c.isalnum() or c in ".-") for c in slug)
