"""Shipped word lists for the similar-titles hints: British and American spellings and words, comparatives, and a
few general synonyms. What a community calls things (its products, its jargon) goes into the admins' list at
/admin/synonyms instead; these hold for any English-speaking community.
"""
from __future__ import annotations

# British spelling or word -> American. Only whole words; the stemmer takes care of plurals and -ing/-ed forms.
VARIANTS: dict[str, str] = {
    # -our / -or
    "colour": "color", "colours": "colors", "coloured": "colored", "colourful": "colorful", "favour": "favor",
    "favourite": "favorite", "favourites": "favorites", "behaviour": "behavior", "neighbour": "neighbor",
    "honour": "honor", "humour": "humor", "labour": "labor", "flavour": "flavor", "rumour": "rumor",
    "harbour": "harbor", "armour": "armor", "vapour": "vapor", "odour": "odor", "endeavour": "endeavor",
    # -re / -er
    "centre": "center", "centres": "centers", "metre": "meter", "metres": "meters", "litre": "liter",
    "theatre": "theater", "fibre": "fiber", "calibre": "caliber", "kilometre": "kilometer", "centimetre": "centimeter",
    # -ise / -ize and their families
    "organise": "organize", "organised": "organized", "organisation": "organization", "customise": "customize",
    "customised": "customized", "customisable": "customizable", "customisation": "customization",
    "personalise": "personalize", "personalised": "personalized", "personalisation": "personalization",
    "prioritise": "prioritize", "recognise": "recognize", "recognised": "recognized", "synchronise": "synchronize",
    "synchronised": "synchronized", "synchronisation": "synchronization", "optimise": "optimize",
    "optimisation": "optimization", "authorise": "authorize", "authorised": "authorized",
    "authorisation": "authorization", "apologise": "apologize", "realise": "realize", "utilise": "utilize",
    "minimise": "minimize", "minimised": "minimized", "maximise": "maximize", "summarise": "summarize",
    "categorise": "categorize", "standardise": "standardize", "visualise": "visualize", "finalise": "finalize",
    "initialise": "initialize", "normalise": "normalize", "localise": "localize", "localisation": "localization",
    "emphasise": "emphasize", "specialise": "specialize", "characterise": "characterize", "criticise": "criticize",
    "memorise": "memorize", "randomise": "randomize", "randomised": "randomized", "sanitise": "sanitize",
    "digitise": "digitize", "stabilise": "stabilize", "centralise": "centralize", "energise": "energize",
    "analyse": "analyze", "analysed": "analyzed", "paralyse": "paralyze", "catalyse": "catalyze",
    # -ogue, -ence, doubled l, odd ones
    "catalogue": "catalog", "dialogue": "dialog", "programme": "program", "programmes": "programs",
    "licence": "license", "defence": "defense", "offence": "offense", "pretence": "pretense",
    "cancelled": "canceled", "cancelling": "canceling", "travelled": "traveled", "travelling": "traveling",
    "labelled": "labeled", "labelling": "labeling", "modelled": "modeled", "modelling": "modeling",
    "levelled": "leveled", "signalling": "signaling", "fuelled": "fueled", "dialled": "dialed",
    "enrolment": "enrollment", "fulfil": "fulfill", "instalment": "installment", "skilful": "skillful",
    "grey": "gray", "greyed": "grayed", "aluminium": "aluminum", "cheque": "check", "tyre": "tire",
    "storey": "story", "mould": "mold", "plough": "plow", "draught": "draft", "manoeuvre": "maneuver",
    "ageing": "aging", "judgement": "judgment", "acknowledgement": "acknowledgment", "whilst": "while",
    "amongst": "among", "towards": "toward", "learnt": "learned", "spelt": "spelled", "burnt": "burned",
    "dreamt": "dreamed", "kerb": "curb", "aeroplane": "airplane", "jewellery": "jewelry", "pyjamas": "pajamas",
    "sceptical": "skeptical", "practise": "practice", "connexion": "connection",
    # different words for the same thing
    "holiday": "vacation", "holidays": "vacations", "flat": "apartment", "postcode": "zipcode",
    "lift": "elevator", "torch": "flashlight", "rubbish": "trash", "bin": "trash", "tap": "faucet",
    "fortnight": "two weeks", "boiler": "furnace", "aerial": "antenna", "telly": "tv", "mobile": "cell",
    "petrol": "gas", "autumn": "fall", "garden": "yard", "motorway": "highway", "film": "movie",
    "timetable": "schedule", "queue": "line",
}

# Comparative and superlative forms the stemmer leaves alone ("darker" stays "darker"): they mean the adjective.
COMPARATIVES: dict[str, str] = {
    "darker": "dark", "darkest": "dark", "lighter": "light", "lightest": "light", "brighter": "bright",
    "brightest": "bright", "dimmer": "dim", "bigger": "big", "biggest": "big", "larger": "large",
    "largest": "large", "smaller": "small", "smallest": "small", "faster": "fast", "fastest": "fast",
    "quicker": "quick", "quickest": "quick", "slower": "slow", "slowest": "slow", "longer": "long",
    "longest": "long", "shorter": "short", "shortest": "short", "easier": "easy", "easiest": "easy",
    "simpler": "simple", "simplest": "simple", "cheaper": "cheap", "cheapest": "cheap", "louder": "loud",
    "loudest": "loud", "quieter": "quiet", "quietest": "quiet", "warmer": "warm", "warmest": "warm",
    "cooler": "cool", "coolest": "cool", "colder": "cold", "coldest": "cold", "hotter": "hot", "hottest": "hot",
    "higher": "high", "highest": "high", "lower": "low", "lowest": "low", "newer": "new", "newest": "new",
    "older": "old", "oldest": "old", "stronger": "strong", "strongest": "strong", "weaker": "weak",
    "weakest": "weak", "clearer": "clear", "safer": "safe", "safest": "safe", "better": "good", "best": "good",
    "worse": "bad", "worst": "bad", "fewer": "few", "wider": "wide", "thinner": "thin", "thicker": "thick",
    "earlier": "early", "later": "late", "latest": "late", "closer": "close", "nearer": "near",
}

# General synonyms, each group one meaning. Multi-word members are phrases ("turn off").
GROUPS: tuple[tuple[str, ...], ...] = (
    ("remove", "delete", "erase", "get rid of"),
    ("turn off", "switch off", "disable", "deactivate", "shut off"),
    ("turn on", "switch on", "enable", "activate"),
    ("show", "display"),
    ("alert", "notify", "notification", "warn", "warning", "ping"),
    ("photo", "picture", "image", "snapshot", "pic"),
    ("video", "clip", "footage", "recording"),
    ("fix", "repair", "resolve"),
    ("bug", "glitch", "defect"),
    ("big", "large", "huge"),
    ("small", "tiny", "little"),
    ("fast", "quick", "speedy", "rapid"),
    ("slow", "sluggish", "laggy", "lag", "delay", "delayed"),
    ("broken", "not working", "stopped working", "doesn't work", "won't work", "fails"),
    ("text", "font", "lettering"),
    ("percentage", "percent", "%"),
    ("export", "download", "save as"),
    ("spreadsheet", "csv", "excel"),
    ("history", "log", "past data"),
    ("pause", "suspend", "freeze", "put on hold", "on hold", "hold"),
    ("cancel", "cancelling", "unsubscribe", "end my subscription"),
    ("random", "randomly", "randomised", "randomized", "unpredictable"),
    ("expire", "expiry", "expiration", "time limited", "time-limited", "temporary", "one-time"),
    ("code", "pin", "passcode"),
    ("guest", "visitor"),
    ("offline", "unreachable", "disconnected", "unresponsive", "unavailable", "not responding", "drops off"),
    ("price", "cost", "pricing", "fee"),
    ("discount", "deal", "coupon", "promo", "cheaper"),
    ("yearly", "annual", "annually", "per year"),
    ("charged twice", "double charged", "double billed", "billed twice", "duplicate charge"),
    ("crash", "crashes", "closes immediately", "force closes", "quits"),
    ("wifi", "wi-fi", "wireless"),
    ("sign in", "log in", "login", "signin", "logon"),
    ("password", "passphrase", "credentials"),
    ("partner", "spouse", "wife", "husband", "family member", "roommate"),
    ("share", "sharing", "invite", "give access"),
    ("home screen", "main screen", "dashboard", "start screen"),
    ("widget", "home screen widget"),
    ("screen reader", "voiceover", "talkback"),
    ("accessibility", "accessible", "a11y", "vision impaired", "visually impaired"),
    ("watch", "smartwatch", "wearable", "wrist"),
    ("wires", "wiring", "cables", "cabling"),
    ("install", "installation", "installing", "setup", "set up", "setting up"),
    ("sensor", "sensors", "detector"),
    ("signal", "reception", "rssi"),
    ("strength", "quality", "bars"),
    ("internet", "cloud", "online"),
    ("outage", "down", "goes down", "is down"),
    ("away", "vacation", "holiday", "out of town", "travelling", "traveling"),
    ("free tier", "free plan", "without a subscription", "no subscription"),
    ("camera", "cam"),
    ("sunset", "dusk", "nightfall"),
    ("sunrise", "dawn", "daybreak"),
    ("temperature", "temp", "degrees"),
    ("wrong", "incorrect", "inaccurate", "off by", "not accurate"),
    ("clocks changed", "daylight saving", "dst", "time change"),
    ("energy", "electricity", "power usage", "consumption"),
    ("zero", "nothing", "empty", "blank", "0"),
)

# Words that say little about what is asked for: kept in the query, but a title that shares only these is no match.
GENERIC = frozenset("""
add adding allow allowing ability able app apps application option options feature features please want wanted
would could should like need needs needed make makes making can cannot can't get gets getting use using used way
ways new support supported supporting request requesting help how why what when where which who does do doing
did done there their them they it its it's is are was be been being have has had the a an and or but if for to of
in on at by with from into onto my me i i'm i'd i've our we you your this that these those any some all just also
still even only more most much many very really not no yes so too than then please thanks thank
see let lets put keep keeps kept
""".split())
