"""Fixed texts of the printed reports in English and Bangla, and date/number formatting.

The reports are documents, not pages: their language is chosen by ``?lang=`` alone (default
English), never by the visitor's session, so one URL always gives one document. The texts live
here rather than in the shared gettext catalogue so the reports' vocabulary stays in one place.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date as _babel_format_date

LANGS = ("en", "bn")

_BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")

# English text -> Bangla text. Keys are the English wording printed in the English report.
BN = {
    # inspection report
    "Inspection report": "পরিদর্শন প্রতিবেদন",
    "Factory": "কারখানা",
    "Address": "ঠিকানা",
    "District": "জেলা",
    "Division": "বিভাগ",
    "Inspection date": "পরিদর্শনের তারিখ",
    "Inspection type": "পরিদর্শনের ধরন",
    "Published on": "প্রকাশের তারিখ",
    "Inspection team": "পরিদর্শক দল",
    "Disciplines covered": "পরিদর্শিত বিষয়",
    "Storeys": "তলার সংখ্যা",
    "Workers": "শ্রমিক",
    "Summary of findings": "পর্যবেক্ষণের সারসংক্ষেপ",
    "Discipline": "বিষয়",
    "Total": "মোট",
    "Findings": "পর্যবেক্ষণসমূহ",
    "Finding": "পর্যবেক্ষণ",
    "No findings were recorded.": "কোনো পর্যবেক্ষণ লিপিবদ্ধ হয়নি।",
    "Hazard": "ঝুঁকি",
    "Location": "অবস্থান",
    "Floor": "তলা",
    "Area": "এলাকা",
    "Observation": "পর্যবেক্ষণ",
    "Recommendation": "সুপারিশ",
    "Severity": "গুরুত্ব",
    "Deadline": "সময়সীমা",
    "Immediate danger": "তাৎক্ষণিক বিপদ",
    "Immediate danger: evacuation recommended": "তাৎক্ষণিক বিপদ: ভবন খালি করার সুপারিশ",
    "Photos": "ছবি",
    "Taken": "তোলা হয়েছে",
    "capture time unknown": "ছবি তোলার সময় অজানা",
    "Summary": "সারাংশ",
    "Page": "পৃষ্ঠা",
    "of": "এর",
    "Not yet published": "এখনও প্রকাশিত হয়নি",
    "Draft: not a final report": "খসড়া: চূড়ান্ত প্রতিবেদন নয়",
    "Submitted: awaiting publication": "জমা দেওয়া হয়েছে: প্রকাশের অপেক্ষায়",
    "Private version: includes photos not shown to the public": "ব্যক্তিগত সংস্করণ: জনসাধারণের জন্য নয় এমন ছবি রয়েছে",
    "none": "নেই",
    "Fire, electrical, structural and boiler safety": "অগ্নি, বৈদ্যুতিক, কাঠামোগত ও বয়লার নিরাপত্তা",
    # CAP report
    "Corrective action plan": "সংশোধনমূলক কর্ম পরিকল্পনা",
    "CAP status": "সংশোধন পরিকল্পনার অবস্থা",
    "Status as of": "অবস্থার তারিখ",
    "Progress of initial findings": "প্রাথমিক পর্যবেক্ষণের অগ্রগতি",
    "Progress": "অগ্রগতি",
    "Overall": "সামগ্রিক",
    "Corrected": "সংশোধিত",
    "Pending verification": "যাচাইয়ের অপেক্ষায়",
    "Open": "অসম্পন্ন",
    "Overdue": "সময়সীমা পেরিয়েছে",
    "New findings": "নতুন পর্যবেক্ষণ",
    "Item": "ক্রমিক",
    "Status": "অবস্থা",
    "Original deadline": "মূল সময়সীমা",
    "Extensions": "সময় বৃদ্ধি",
    "Verified on": "যাচাইয়ের তারিখ",
    "requested": "আবেদন",
    "No corrective actions.": "কোনো সংশোধনমূলক কাজ নেই।",
    "Planned action": "পরিকল্পিত কাজ",
    "Only findings of published inspections are included.": "শুধু প্রকাশিত পরিদর্শনের পর্যবেক্ষণ অন্তর্ভুক্ত।",
    "Includes findings of inspections not yet published.": "অপ্রকাশিত পরিদর্শনের পর্যবেক্ষণও অন্তর্ভুক্ত।",
    "Progress counts corrected (verified) initial findings; new findings are shown beside it.":
        "অগ্রগতি হিসাব করা হয় যাচাইকৃত সংশোধিত প্রাথমিক পর্যবেক্ষণ দিয়ে; নতুন পর্যবেক্ষণ আলাদাভাবে দেখানো হয়।",
    # enum values
    "Fire": "অগ্নি",
    "Electrical": "বৈদ্যুতিক",
    "Structural": "কাঠামোগত",
    "Boiler": "বয়লার",
    "Priority 1 (immediate)": "অগ্রাধিকার ১ (তাৎক্ষণিক)",
    "High (6 weeks)": "উচ্চ (৬ সপ্তাহ)",
    "Medium (3 months)": "মাঝারি (৩ মাস)",
    "Low (6 months)": "নিম্ন (৬ মাস)",
    "Initial": "প্রাথমিক",
    "Follow-up": "পরবর্তী",
    "Special": "বিশেষ",
    "Complaint": "অভিযোগ",
    "In progress": "চলমান",
    "CAP pending": "পরিকল্পনা অপেক্ষমাণ",
    "On track": "সঠিক পথে",
    "Behind schedule": "সময়ের পিছনে",
    "Initial CAP completed": "প্রাথমিক পরিকল্পনা সম্পন্ন",
    "Ineligible": "অযোগ্য",
    "Approved": "অনুমোদিত",
    "Declined": "প্রত্যাখ্যাত",
    "Requested": "আবেদন করা হয়েছে",
    "Yes": "হ্যাঁ",
    "No": "না",
}

SEVERITY_SHORT = {"priority_1": "Priority 1", "high": "High", "medium": "Medium", "low": "Low"}
BN.update({"Priority 1": "অগ্রাধিকার ১", "High": "উচ্চ", "Medium": "মাঝারি", "Low": "নিম্ন"})


class Texts:
    """``t("Findings")`` gives the text in the report's language; dates and numbers follow it."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else "en"

    def __call__(self, text: str) -> str:
        if self.lang == "bn":
            return BN.get(text, text)
        return text

    def num(self, value) -> str:
        s = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
        return s.translate(_BN_DIGITS) if self.lang == "bn" else s

    def date(self, value: dt.date | dt.datetime | str | None, fmt: str = "medium") -> str:
        if not value:
            return "–"
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        day = value.date() if isinstance(value, dt.datetime) else value
        text = _babel_format_date(day, fmt, locale=self.lang)
        if isinstance(value, dt.datetime):
            text += value.strftime(" %H:%M")
        return self.num(text)

    def percent(self, rate: float | None) -> str:
        from factorysafe.actions.rules import progress_percent

        return "–" if rate is None else self.num(str(progress_percent(rate))) + " %"


def missing_bangla(texts) -> list[str]:
    """English texts without a Bangla translation (used by the tests)."""
    return [t for t in texts if t not in BN]
