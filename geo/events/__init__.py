"""Extract dated, located and attributed conflict events from articles, and merge them.

articles -> places -> **events** -> (store) -> control and front lines -> map and exports.

The extractor is rule-based and reads its words from ``data/event_lexicon.yaml``
(trigger words per event type, modality and negation cues, attribution verbs,
casualty phrases), so an analyst can change what it finds without touching code.
It works sentence by sentence, clause by clause:

1. **Triggers** ("launched raids", "shelled", "took control of") give an event type;
   nouns need a supporting verb ("launched an attack", "clashes erupted"), and
   generic words ("strikes", "attack", "targeted", "killed") take their type from the
   instrument named near them (aircraft -> airstrike, rockets -> shelling). A noun
   backed only by "after"/"amid" ("after the attack") needs a place in its own phrase;
   a participle after an article ("the retreating militias") is no trigger; verbs the
   lexicon marks ``agent`` need armed forces as subject ("troops gathered", not
   "cadets gathered"); capture verbs need the place as their object ("took the town
   of X", not "took part in", "captured fighters near X"), and taking a checkpoint or
   positions is an attack.
2. **Modality**: a cue before the trigger in the same clause (a plan, a
   possibility, a condition, a purpose, a negation), an infinitive ("to
   capture") or a bare verb ("and withdraw") keeps it from being a happening;
   so does a question. An attempt that was made ("tried to advance on X") is an
   attack. Ongoing background ("after months of fighting", "have been exchanging
   fire for weeks") is no event. A denial, or a negation in a party's words, gives a
   ``denied`` event; a broken truce ("violated the ceasefire by shelling X") negates
   nothing. "Will"/"would" stop everything but the triggers the lexicon
   marks ``announced``: a party announcing that it will strengthen its defences
   is a claimed deployment; "will send troops if asked" is nothing.
3. **Threats** are found separately: an explicit threat or ultimatum ("threatened
   to", "gave X 48 hours", "vowed to retake", "red line", "will not hesitate to"),
   or a demand ("withdraw", "lay down their arms") with a deadline or a consequence
   ("or face"). The threat is against the place named as its addressee or target,
   else the place to be left. When a party reports its own act ("is sending a
   message", "called on", "vowed") the threat is claimed; when the statement itself
   is the threat ("X must withdraw or the operation will come") it is reported.
4. **Place**: the target of a strike, the place taken, the place forces move to:
   places after a locative preposition (on, in, at, inside, against, towards,
   to, near ...) win over the others, the nearest after the trigger first; other
   places of the clause are used only when there is no locative one. A named
   district wins over the city around it, a named place over the anchor of a
   bearing ("west of Sirte around Abu Grein"); the anchor of a phrase that only
   describes another place ("in Aziziya, a town 40 km south of the capital",
   "towns west of the capital") is no event place. A withdrawal is from the place
   left, never from where it heads ("towards X"). "The city", "the town's
   outskirts", "there", "where" point back to the last place named of a fitting
   kind ("the city" is a city, else a town). Places in parentheses, in a party's or
   unit's name ("Tripoli-based", "the Sirte Protection Force"), in the speaker's
   phrase ("medics in Misrata said"), countries, broad regions ("western Libya")
   and places outside the theatre's ``countries`` (``data/theatre.yaml``) are not
   event places; an article about another war gives none. One happening, one place:
   separate locative phrases joined by "and" ("inside Misrata and south of the
   capital") and lists of names ("clashes in A, B and C", "took X and Y", "A and B
   were hit") give one event per place; a threat naming several places is one
   threat, and "the road between A and B" one place.
5. **Date**: a date in the same clause near the trigger (the speaking's date and a
   date before a comma count as farther); else a past year beside it ("the 2011
   revolution"); else a date opening the sentence; else another date of the
   sentence, outside "after ..." clauses; else the last day of the paragraph;
   else the latest day the story reached in earlier paragraphs (at most three days
   before publication: "at dawn", "meanwhile"); else the publication date
   (precision ``"published"``). "The previous night", "a day earlier", "two days
   later" count from the event told just before; "on 3 and 4 August" gives one
   event per day. "Since April 4" dates an ongoing event April 4; one
   that began more than ``background_days`` ago is background, and an event told
   only as "days after" another is dropped.
   A threat is dated when it was made, its deadline ("by midnight Sunday",
   "until Friday") kept in ``date_end``; a deadline never dates a happening.
   Events dated by a month, a year or a range that ended more than
   ``background_days`` (lexicon) before publication are background and dropped;
   an event dated to a day keeps it, however old.
6. **Actor, target, status**: the agent ("by X" after a noun or a passive, the
   subject of an active verb, "loyal to X", "our forces" -> the speaker's party;
   "X-backed" is not the agent), the patient ("on/against/with X", "shelled X
   positions"). A party saying so gives ``claimed`` with ``claimed_by``; a reporter,
   an unnamed source or no attribution gives ``reported``; "could not independently
   confirm" in the same or next sentence gives ``unconfirmed``; "Moscow denied it"
   after a report makes it ``denied`` (denying the blame does not). The last
   speaker carries over ("He added", "The spokesman said"), a spokesman or a media
   office speaks for the party announcing just before, speakers after a quotation
   or set off by commas ('"...," Name, spokesman for X, said') are found, people
   named with their role ("X, spokesman for Y") are recognised by surname later in
   the article, and a unit speaks for the side the article gives it ("the GNA's
   Sirte Protection Force") or, when it reports one side's attack on its own
   positions, for the other side.

Within one sentence a capture absorbs an assault and a clash at its place, an
assault a clash. Within one article "N killed in the battles for X" adds the toll
to the event at X, the taking of a town's airport or port that day folds into the
taking of the town, and an assault on a place folds into its capture that day.

Merging joins reports of one happening: same type, compatible actors, places
within :data:`geo.settings.merge_distance_km` and dates overlapping within
:data:`geo.settings.merge_date_slack_days`. Within one article two sentences
also merge when one names the other's place (within 60 km), and undated sentences
join dated ones; statuses must agree (a claim and a plain report of it may merge,
and a party's claim with the same claim said to be unverified).

The package's modules are the stages in data-flow order: :mod:`.lexicon`,
:mod:`.sentences`, :mod:`.triggers`, :mod:`.modality`, :mod:`.lists` (which list a
place belongs to), :mod:`.places`,
:mod:`.roles` (agent and target), :mod:`.dates`, :mod:`.attribution`,
:mod:`.casualties`, :mod:`.folding` (drafts of one article), :mod:`.merging`
(events) and :mod:`.output`; :mod:`.extractor` runs them
sentence by sentence.
"""

from __future__ import annotations

from .lexicon import EXTRACTOR_VERSION, LEXICON_NAME, EventLexicon, load_lexicon
from .merging import merge_events
from .output import (
    event_properties,
    events_from_articles,
    events_geojson,
    explain_events,
    extract_events,
)

__all__ = [
    "EXTRACTOR_VERSION",
    "LEXICON_NAME",
    "EventLexicon",
    "load_lexicon",
    "extract_events",
    "merge_events",
    "events_from_articles",
    "events_geojson",
    "event_properties",
    "explain_events",
]
