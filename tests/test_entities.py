"""Networks, organisations, countries, facts and figures."""
from __future__ import annotations

import pytest

from extract.countries import display_name, replies, split_list, to_iso3
from extract.networks import find_mentions, network_summary
from tests.conftest import SEED_FILES, load_gold


@pytest.mark.parametrize("name", SEED_FILES)
def test_networks_match_the_gold_names_and_places(seeds, name):
    from pipelines.quality.evaluate import place

    gold = load_gold(name)["networks"]
    mine = {n["name"]: {place(a) for a in n["at"]} for n in network_summary(find_mentions(seeds[name])[0])}
    for n in gold:
        if n.get("borderline"):
            mine.pop(n["name"], None)
            continue
        assert mine.pop(n["name"]) == {place(a) for a in n["at"]}, n["name"]
    assert mine == {}


@pytest.mark.parametrize("name, printed, canonical", [
    ("000_de38badff640f652.txt", "Asset Recovery Network of GAFILAT", "Asset Recovery Network of the Financial Action Task Force of Latin America"),
    ("000_de38badff640f652.txt", "Ibero-American Legal Assistance Network", "Ibero-American Network for International Legal Cooperation"),
    ("000_de38badff640f652.txt", "Global Focal Point Network on Asset Recovery", "Global Focal Point Network on Asset Recovery"),
    ("000_de38badff640f652.txt", "Asset Recovery Inter-Agency network for West Africa", "Asset Recovery Inter-Agency Network for West Africa"),
    ("000_de38badff640f652.txt", "Judicial regional platforms", "Regional Judicial Platform of the Sahel countries"),
    ("000_de38badff640f652.txt", "Judicial regional platforms", "Regional Judicial Platform of the Indian Ocean Commission countries"),
    ("002_95027576749d3358.txt", "Asset Recovery Network for West Africa", "Asset Recovery Inter-Agency Network for West Africa"),
    ("002_95027576749d3358.txt", "Network of West African Central Authorities and Prosecutors against Organized Crime", "West African Network of Central Authorities and Prosecutors"),
    ("002_95027576749d3358.txt", "Global Focal Point Initiative", "Global Focal Point Network on Asset Recovery"),
    ("002_95027576749d3358.txt", "ARIN-SA", "Asset Recovery Inter-Agency Network for Southern Africa"),
    ("003_0699b6471873cb14.txt", "European Partners against Corruption", "European Partners Against Corruption"),
    ("003_0699b6471873cb14.txt", "European Contact-Point Network against Corruption", "European Contact-Point Network Against Corruption"),
    ("001_2874813f072c823d.txt", "GlobE Network", "Global Operational Network of Anti-Corruption Law Enforcement Authorities"),
])
def test_every_spelling_resolves_to_its_canonical_network(seeds, name, printed, canonical):
    mentions, _ = find_mentions(seeds[name])
    assert any(m.text == printed and m.key == canonical for m in mentions), printed


@pytest.mark.parametrize("name, text", [
    ("003_0699b6471873cb14.txt", "Asset Recovery Inter-Agency Network"),  # "the Asset Recovery Inter-Agency Networks"
])
def test_families_of_networks_are_not_one_network(seeds, name, text):
    mentions, candidates = find_mentions(seeds[name])
    assert not any(m.text.startswith(text) for m in mentions if m.entity_type == "network")


def test_unknown_network_names_are_kept_as_candidates():
    from pipelines.corpus.parse import parse_bytes

    doc = parse_bytes("I. Introduction\n\n1. States cooperate through the Pacific Islands Law Officers' Network "
                      "and the Egmont Group.\n".encode(), "x.txt")
    mentions, candidates = find_mentions(doc)
    assert [m.key for m in mentions] == ["Egmont Group of Financial Intelligence Units"]
    assert [c.text for c in candidates] == ["Pacific Islands Law Officers' Network"]


def test_organisations_are_their_own_entity_type(seeds):
    doc = seeds["002_95027576749d3358.txt"]
    orgs = {m.key for m in doc.mentions if m.entity_type == "organisation"}
    assert {"United Nations Office on Drugs and Crime", "Stolen Asset Recovery Initiative",
            "International Criminal Police Organization", "Financial Action Task Force"} <= orgs
    nets = {m.key for m in doc.mentions if m.entity_type == "network"}
    assert not orgs & nets


@pytest.mark.parametrize("name, footnote, expected", [
    ("000_de38badff640f652.txt", "fn1", ["ARM", "CZE", "DEU", "MNG", "PER", "RUS", "CHE", "UKR", "USA", "VEN"]),
    ("000_de38badff640f652.txt", "fn2", ["BHR", "BEL", "DNK", "MMR", "PRY", "PHL", "SDN"]),
    ("001_2874813f072c823d.txt", "fn3", ["AUS", "BRA", "CZE", "SLV", "MUS", "MEX", "MMR", "LBN", "PAN", "SAU", "SEN",
                                         "SGP", "SVK", "YEM"]),
])
def test_replying_states_map_to_iso3(seeds, name, footnote, expected):
    assert [r.iso3 for r in replies(seeds[name]) if r.footnote == footnote] == expected


def test_every_state_in_the_seed_footnote_lists_maps_to_iso3(seeds):
    total = 0
    for doc in seeds.values():
        for r in replies(doc):
            assert r.iso3 and len(r.iso3) == 3, r.country
            total += 1
    assert total == 10 + 7 + 14 + 44


@pytest.mark.parametrize("printed, iso3", [
    ("Venezuela (Bolivarian Republic of)", "VEN"), ("Czechia", "CZE"), ("the Sudan", "SDN"),
    ("United Republic of Tanzania", "TZA"), ("Republic of Korea", "KOR"), ("North Macedonia", "MKD"),
    ("Côte d'Ivoire", "CIV"), ("Bolivia (Plurinational State of)", "BOL"), ("Iran (Islamic Republic of)", "IRN"),
    ("Germany", "DEU"), ("Jersey", None), ("Europol", None),
])
def test_un_short_names(printed, iso3):
    assert to_iso3(printed) == iso3


def test_list_splitting_keeps_parenthesised_names():
    assert split_list("Ukraine, United States of America and Venezuela (Bolivarian Republic of).") == [
        "Ukraine", "United States of America", "Venezuela (Bolivarian Republic of)"]
    assert display_name("VEN") == "Venezuela (Bolivarian Republic of)"


def test_regional_groups_are_recognised(seeds):
    groups = {m.key for m in seeds["000_de38badff640f652.txt"].mentions if m.entity_type == "regional_group"}
    assert {"African States", "Asia-Pacific States", "Western European and other States"} <= groups


def test_directory_counts_form_one_series_per_category(seeds):
    series: dict[str, dict[str, int]] = {}
    for name in ("000_de38badff640f652.txt", "002_95027576749d3358.txt", "003_0699b6471873cb14.txt"):
        for f in seeds[name].figures:
            if f.unit == "States parties" and f.at[-1] == ")":
                series.setdefault(f.subject, {})[f.as_of[:4]] = f.value
    assert series == {
        "Central authorities for mutual legal assistance": {"2018": 129, "2020": 132},
        "Prevention authorities": {"2018": 112, "2020": 119},
        "Asset recovery focal points": {"2018": 80, "2020": 85},
        "Central authorities on extradition": {"2018": 23, "2020": 29},
        "Focal points for international cooperation in the use of civil and administrative proceedings":
            {"2018": 32, "2020": 34},
    }


@pytest.mark.parametrize("name, network, kind, value", [
    ("000_de38badff640f652.txt", "Camden Asset Recovery Inter-Agency Network", "established", "2004"),
    ("000_de38badff640f652.txt", "Camden Asset Recovery Inter-Agency Network", "secretariat", "Europol in the Hague, the Netherlands"),
    ("000_de38badff640f652.txt", "Asset Recovery Inter-Agency Network for Eastern Africa", "secretariat",
     "the East African Association of Anti-Corruption Authorities"),
    ("000_de38badff640f652.txt", "Asset Recovery Inter-Agency Network for West Africa", "launched", "2014"),
    ("000_de38badff640f652.txt", "Global Focal Point Network on Asset Recovery", "members", "234 and 133"),
    ("000_de38badff640f652.txt", "Egmont Group of Financial Intelligence Units", "members", "155 financial intelligence units"),
    ("002_95027576749d3358.txt", "Asset Recovery Inter-Agency Network for Southern Africa", "members", "13 countries"),
    ("002_95027576749d3358.txt", "Asset Recovery Network of the Financial Action Task Force of Latin America", "members", "19 and 5"),
    ("001_2874813f072c823d.txt", "Global Operational Network of Anti-Corruption Law Enforcement Authorities", "launched", "2021"),
])
def test_network_facts_are_quoted_from_their_sentence(seeds, name, network, kind, value):
    facts = [f for f in seeds[name].facts if f.network == network and f.kind == kind]
    assert value in [f.value for f in facts]
    assert all(f.value.split()[0] in f.sentence for f in facts)
