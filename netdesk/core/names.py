"""Name equivalence for duplicates: "Bob" and "Robert" may well be one person, and so may "Priya R." and "Priya Raman".

The rule (see also ``merge.same_person``): two names may be one person's when they are equal, when one is a known
diminutive or a close spelling variant of the other, or when one is written as an initial ("R.", "R") and the other
starts with that letter; for given names, also when one is a prefix of the other (three letters at least).

Fuzzy string similarity (rapidfuzz) catches spelling variants ("Jon"/"John", "Katharina"/"Katarina"); common
diminutives need a table because they share few letters with the full name.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from netdesk.core.normalize import fold

_DIMINUTIVES = {
    "robert": "bob bobby rob robbie bert",
    "william": "bill billy will willy liam",
    "richard": "dick rick ricky rich richie",
    "james": "jim jimmy jamie",
    "john": "jack johnny jon",
    "jonathan": "jon jonny nathan",
    "michael": "mike mikey mick mickey",
    "elizabeth": "liz lizzie beth betty eliza libby",
    "margaret": "maggie meg peggy marge greta",
    "katherine": "kate katie kathy kat kay",
    "catherine": "cathy cat kate katie",
    "thomas": "tom tommy",
    "edward": "ed eddie ted ned",
    "alexander": "alex sasha sandy xander",
    "alexandra": "alex sasha sandra",
    "christopher": "chris kit",
    "christine": "chris tina",
    "nicholas": "nick nicky",
    "anthony": "tony",
    "joseph": "joe joey",
    "daniel": "dan danny",
    "david": "dave davy",
    "benjamin": "ben benny",
    "samuel": "sam sammy",
    "samantha": "sam sammy",
    "matthew": "matt",
    "andrew": "andy drew",
    "steven": "steve",
    "stephen": "steve",
    "jennifer": "jen jenny",
    "rebecca": "becky becca",
    "patricia": "pat patty trish",
    "susan": "sue susie",
    "victoria": "vicky tori",
    "charles": "charlie chuck",
    "francis": "frank",
    "frances": "fran frankie",
    "gregory": "greg",
    "timothy": "tim timmy",
    "peter": "pete",
    "johannes": "hans jo",
    "friedrich": "fritz",
    "francisco": "paco pancho",
    "jose": "pepe",
    "giuseppe": "beppe peppe",
    "aleksandr": "sasha",
    "dmitri": "dima",
}
_CANONICAL: dict[str, str] = {}
for full, short in _DIMINUTIVES.items():
    _CANONICAL[full] = full
    for nick in short.split():
        _CANONICAL.setdefault(nick, full)


def canonical_given_name(name: str) -> str:
    key = fold(name).strip()
    return _CANONICAL.get(key, key)


def initial(name: str) -> str:
    """The letter a name written as an initial stands for ("R." or "R"), else ""."""
    text = fold(name).strip().rstrip(".").strip()
    return text if len(text) == 1 and text.isalpha() else ""


def initial_fits(a: str, b: str) -> bool:
    """Whether one name is an initial ("R.", "R") of the other ("Raman"), or both are the same initial."""
    ia, ib = initial(a), initial(b)
    fa, fb = fold(a).strip(), fold(b).strip()
    return bool((ia and fb.startswith(ia)) or (ib and fa.startswith(ib)))


def family_names_may_match(a: str, b: str) -> bool:
    """Family names of one person: the same, or one given as an initial of the other ("R." and "Raman")."""
    fa, fb = fold(a).strip(), fold(b).strip()
    return fa == fb or initial_fits(a, b)


def given_names_may_match(a: str, b: str, threshold: int = 85) -> bool:
    """True when two given names may belong to one person (diminutive, spelling variant or prefix)."""
    fa, fb = fold(a).strip(), fold(b).strip()
    if not fa or not fb:
        return False
    if fa == fb or canonical_given_name(fa) == canonical_given_name(fb) or initial_fits(fa, fb):
        return True
    if len(fa) >= 3 and len(fb) >= 3 and (fa.startswith(fb) or fb.startswith(fa)):
        return True
    return fuzz.ratio(fa, fb) >= threshold
