"""Mailchimp merge tags: ``*|FNAME|*``, ``*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*``.

System tags come from Mailchimp's "All the Merge Tags Cheat Sheet" (``*|UNSUB|*``,
``*|UPDATE_PROFILE|*``, ``*|ARCHIVE|*``, ``*|LIST:…|*``, ``*|DATE:…|*``, ``*|MC:…|*`` …).
Engine: mailcheck.templating.mailchimp.
"""

import regex

from mailcheck.templating.dialect import Dialect

DIALECT = Dialect(
    name="mailchimp",
    summary="Mailchimp merge tags: *|FNAME|*, *|IF:FNAME|*…*|ELSE:|*…*|END:IF|*, *|UNSUB|*",
    parser="mailcheck.templating.mailchimp:parse",
    markers=regex.compile(r"\*\|[A-Z0-9_:]+(?:[:=][^|*]{0,60})?\|\*", regex.I),
    tags=regex.compile(r"\*\|[^|*\s]{1,80}\|\*"),
    needles=("*|",),
    scan_needles_first=False,
    system_variables=frozenset(
        {
            "unsub",
            "update_profile",
            "archive",
            "archive_page",
            "archive_link",
            "archive_link_short",
            "forward",
            "email",
            "current_year",
            "rewards",
            "rewards_text",
            "mc_preview_text",
            "mc_language",
            "mc_language_label",
            "about_list",
            "unique_email_id",
            "campaign_uid",
            "list_address",
            "list_address_html",
            "user_url",
            "translate_links",
            "vcard",
            "facebook_share",
            "twitter_share",
            "emailcampaign",
            # the cheat sheet's subscriber id and the audience's required-footer address
            "uniqid",
            "abuse_email",
        }
    ),
    system_prefixes=(
        "LIST:",
        "MC:",
        "DATE:",
        "HTML:LIST_",
        "TWITTER:",
        "FACEBOOK:",
        "LINKEDIN:",
        "INSTAGRAM:",
        "YOUTUBE:",
        "GOOGLE:",
        "RSS",
        # RSS blocks: *|FEED:url|*, *|FEEDBLOCK:url|*, *|FEEDITEMS|*, *|FEEDITEM:TITLE|* (not
        # a bare "FEED", which would take an audience's own *|FEEDBACK_URL|* for Mailchimp's)
        "FEED:",
        "FEEDBLOCK",
        "FEEDITEM",
        "SURVEY:",
        "POLL:",
        "TRANSLATE:",
        "PRODUCT",
        "PROMO_CODE",
        "SHARE:",
        "USER:",  # the account's contact info: *|USER:COMPANY|*, *|USER:ADDRESS_HTML|*
        "HTML:USER:",
    ),
    unsubscribe=("*|UNSUB|*", "*|UPDATE_PROFILE|*"),
    unsubscribe_pattern=regex.compile(r"\*\|(?:UNSUB|UPDATE_PROFILE)\|\*", regex.I),
    case_insensitive=True,
    sources=("Mailchimp: All the Merge Tags Cheat Sheet",),
)
