"""The live portal's page weight around the offline copy's pages: what ``--page-kb`` adds.

Live article pages of albawabhnews.com weigh 80-120 KB; the offline copy's weigh ~19 KB. The difference is
chrome, not article: ``pad_page`` splices, around a page rendered by ``tests/site/build.py``, what such an
Arabic news portal carries besides the article, in its own markup and order:

- in ``<head>`` (before ``</head>``, after every tag the page already has): app-link, verification and
  theme ``<meta>`` tags (``fb:app_id``, ``robots``, ``twitter:app:*``, ``al:*``...), preconnect, preload,
  icon and stylesheet ``<link>`` tags, a ``WebSite`` (with its ``SearchAction``) and a ``BreadcrumbList``
  JSON-LD block (never an article type), Google Tag Manager, the ad slots (``googletag.defineSlot`` lines
  with size mappings) and a large site configuration object (menus, ad units, flags, trending tags);
- in ``<body>`` before the article: a GTM ``<noscript>``, a top leaderboard, a services strip (weather,
  prayer times, currency and gold prices), a mega-menu in each masthead (desktop and mobile: the nine
  sections' sub-sections, tags, services, social; ~100 links each) and a breaking-news ticker of the ten
  newest articles;
- after the article, in the page's sidebar (``aside.col-side``, outside ``article.cont``): a second "most
  read" list ("الأكثر مشاهدة", ``div.news-list`` of ``div.item-li`` cards as the sidebar already has), a grid
  of ``div.item-card`` cards of the section ("أخبار ذات صلة بالقسم"), "اخترنا لك" links, a video list,
  newsletter and poll widgets, ad slots;
- in the footer: columns of ~100 links (sections, sub-sections, tags, services, partners, apps);
- before ``</body>``: inline scripts (Facebook and Twitter SDK loaders, lazy loading, ad refresh, the
  analytics queue and a recirculation data blob).

Nothing the offline copy's page already has changes: the ``<head>``'s tags, the top bar, the menus and
the ``<article class="cont">`` element are kept byte for byte; the chrome only goes around them. None of
it is what the extractor reads: no meta key it reads (``og:title``, ``og:image``, ``description``,
``article:*``, ``keywords``, ``author``...), no canonical link, no ``li.active`` menu entry, no breadcrumb
class, no ``div.tags``, no ``<article>``, no ``<h1>``. Every link stays on the generated site or leaves
it: the nine sections' first pages (the sub-sections link their section), generated article ids (which
the crawl fetches anyway), ``/search/term?w=...`` (robots.txt disallows ``/search/``, like the copy's
own trending links), the pages the copy's own chrome already links (``/page/about``, ``/contact-us``,
``/rss.xml``), ``#``/``javascript:`` and external hosts. So a crawl fetches exactly the same pages.

Rendering is fast: the chrome is rendered once per page kind and section, then spliced into each page
with a few string searches. The variable part is the size of two script blobs (the head's configuration,
the trailing recirculation data): it takes up whatever the fixed chrome leaves of the budget, so every
page gains the same number of bytes, and article pages, whose own length varies, weigh the target +-3 KB.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from tests.site import content as C

CANONICAL = C.CANONICAL
PLACEHOLDER = "/images/placeholder.png"

#: Sub-sections shown under each section of the menu (the real menu's second level).
SUBSECTIONS = {
    1: ["محافظات", "برلمان", "تعليم", "صحة", "نقل ومواصلات", "أمن", "تموين", "إسكان", "أوقاف", "طقس"],
    13: ["رئاسة", "حكومة", "أحزاب", "انتخابات", "دبلوماسية", "قرارات", "تقارير سياسية"],
    72: ["الشرق الأوسط", "أوروبا", "أمريكا", "آسيا", "أفريقيا", "روسيا", "الأمم المتحدة", "تقارير عالمية"],
    73: ["فلسطين", "السعودية", "الإمارات", "السودان", "ليبيا", "سوريا", "العراق", "لبنان", "الخليج"],
    86: ["البورصة", "بنوك", "طاقة", "عقارات", "أسعار", "استثمار", "زراعة", "اتصالات"],
    97: ["قضايا", "جرائم", "حوادث الطرق", "أمن عام", "محاكم", "مخدرات"],
    104: ["كرة محلية", "كرة عالمية", "منتخبات", "الأهلي", "الزمالك", "ألعاب أخرى", "دوري أبطال أفريقيا"],
    112: ["سينما", "دراما", "موسيقى", "مسرح", "كتب", "فن تشكيلي", "نجوم", "مهرجانات"],
    120: ["مقالات", "رؤى", "حوارات", "ملفات خاصة", "كاريكاتير"],
}
EXTRA_TAGS = [
    "أسعار الذهب اليوم", "سعر الدولار", "الطقس غدا", "نتيجة الثانوية العامة", "مواعيد القطارات",
    "الدوري المصري", "كأس العالم", "البنك المركزي", "الحوار الوطني", "العاصمة الإدارية", "قناة السويس",
    "الأسهم المصرية", "أسعار البنزين", "المونديال", "غزة", "سيناء", "مجلس النواب", "الجامعات", "تنسيق الجامعات",
    "رمضان", "عيد الأضحى", "السياحة", "المتحف المصري الكبير", "الدعم", "بطاقات التموين", "الإسكان الاجتماعي",
]
SERVICES = [
    ("حالة الطقس", "#weather"), ("مواقيت الصلاة", "#prayer-times"), ("أسعار العملات", "#currency"),
    ("أسعار الذهب", "#gold"), ("نتائج المباريات", "#scores"), ("حظك اليوم", "#horoscope"),
    ("النشرة البريدية", "#newsletter"), ("خدمة RSS", "/rss.xml"), ("من نحن", "/page/about"),
    ("اتصل بنا", "/contact-us"), ("أعلن معنا", "#advertise"), ("سياسة الخصوصية", "#privacy"),
    ("شروط الاستخدام", "#terms"), ("فريق العمل", "#team"), ("وظائف", "#jobs"), ("الأرشيف", "#archive"),
]
SOCIAL = [
    ("facebook", "https://www.facebook.com/albawabhnews", "فيسبوك"),
    ("twitter", "https://twitter.com/albawabhnews", "إكس"),
    ("youtube", "https://www.youtube.com/user/albawabhnews", "يوتيوب"),
    ("instagram", "https://www.instagram.com/albawabhnews/", "إنستجرام"),
    ("telegram", "https://t.me/albawabhnews", "تليجرام"),
    ("tiktok", "https://www.tiktok.com/@albawabhnews", "تيك توك"),
    ("whatsapp", "https://whatsapp.com/channel/0029VaAlbawabh", "واتساب"),
    ("gnews", "https://news.google.com/publications/CAAqBwgKMJiWlgsw8a6tAw?hl=ar&amp;gl=EG&amp;ceid=EG:ar",
     "أخبار جوجل"),
]
PARTNERS = [
    ("اليوم السابع", "https://www.youm7.com/"), ("الأهرام", "https://www.ahram.org.eg/"),
    ("صدى البلد", "https://www.elbalad.news/"), ("الدستور", "https://www.dostor.org/"),
    ("المصري اليوم", "https://www.almasryalyoum.com/"), ("الوطن", "https://www.elwatannews.com/"),
    ("الشروق", "https://www.shorouknews.com/"), ("مصراوي", "https://www.masrawy.com/"),
]
VIDEOS = [
    ("جولة داخل المحطات الجديدة للخط الثالث للمترو", "q3Xh0cTfK2w"),
    ("لحظة افتتاح المتحف المصري الكبير", "b7Yt2kQm9Lx"),
    ("آراء المواطنين في أسعار الخضروات بالأسواق", "Zp4Rw8nC1sA"),
    ("ملخص مباراة القمة في الدوري الممتاز", "Hk3Vd6uJ0eQ"),
    ("تقرير: كيف تستعد المحافظات لموسم الأمطار", "Lm9Tq2xB5rW"),
]
AD_SIZES = ["[[728, 90], [970, 90], [970, 250]]", "[[300, 250], [336, 280]]", "[[300, 600], [300, 250]]",
            "[[320, 50], [320, 100]]", "[[1, 1]]"]
AD_POSITIONS = ["top", "leaderboard", "sidebar_1", "sidebar_2", "sidebar_3", "in_article_1", "in_article_2",
                "in_article_3", "below_article", "sticky_mobile", "interstitial", "footer", "native_1",
                "native_2", "native_3", "skin_left", "skin_right", "outstream"]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Teaser:
    """An article as chrome shows it: id, title, section, image path, card date."""

    article_id: str
    title: str
    section: int
    image: str | None
    date: str


@dataclass(frozen=True)
class Chrome:
    """The pieces spliced into one kind of page (see ``pad_page``)."""

    head: str
    body_start: str
    desktop_menu: str
    mobile_menu: str
    after_header: str
    sidebar: str
    footer: str
    body_end: str

    @property
    def size(self) -> int:
        return sum(len(part.encode()) for part in (self.head, self.body_start, self.desktop_menu, self.mobile_menu,
                                                   self.after_header, self.sidebar, self.footer, self.body_end))


def _thumb(path: str | None, size: str) -> str:
    if not path:
        return "/images/default-news.jpg"
    a, b, c = path.split("/")
    return f"/UploadCache/libfiles/{a}/{b}/{size}/{c}.jpg"


def _href(teaser: Teaser) -> str:
    return f"/{teaser.article_id}"


# -- head --------------------------------------------------------------------------------------------


def _head_tags(kind: str, section: int | None, jsonld: bool) -> str:
    section_name = C.SECTIONS.get(section, "") if section else ""
    metas = [
        '<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1">',
        '<meta name="googlebot" content="index, follow">',
        '<meta name="google-site-verification" content="kR3vLq8pZ1tYc0xW7nB5mJ2hG6fD4sA9uE1iO3pQ7rT">',
        '<meta name="msvalidate.01" content="5B3A1C9D7E2F4A6B8C0D1E3F5A7B9C1D">',
        '<meta name="yandex-verification" content="3f9a1c7e5b2d4f60">',
        '<meta name="facebook-domain-verification" content="q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4">',
        '<meta property="fb:app_id" content="1573421336237548">',
        '<meta property="fb:pages" content="271829316271282">',
        '<meta name="theme-color" content="#b4151b">',
        '<meta name="msapplication-TileColor" content="#b4151b">',
        '<meta name="msapplication-TileImage" content="/images/icons/ms-icon-144x144.png">',
        '<meta name="apple-mobile-web-app-capable" content="yes">',
        f'<meta name="apple-mobile-web-app-title" content="{C.SITE_NAME}">',
        '<meta name="apple-mobile-web-app-status-bar-style" content="black-translucent">',
        f'<meta name="application-name" content="{C.SITE_NAME}">',
        '<meta name="format-detection" content="telephone=no">',
        '<meta name="referrer" content="no-referrer-when-downgrade">',
        '<meta name="twitter:creator" content="@albawabhnews">',
        '<meta name="twitter:domain" content="albawabhnews.com">',
        '<meta name="twitter:app:name:iphone" content="البوابة نيوز">',
        '<meta name="twitter:app:id:iphone" content="1193436370">',
        '<meta name="twitter:app:name:ipad" content="البوابة نيوز">',
        '<meta name="twitter:app:id:ipad" content="1193436370">',
        '<meta name="twitter:app:name:googleplay" content="البوابة نيوز">',
        '<meta name="twitter:app:id:googleplay" content="com.albawabhnews.app">',
        '<meta property="al:android:package" content="com.albawabhnews.app">',
        '<meta property="al:android:app_name" content="البوابة نيوز">',
        '<meta property="al:ios:app_store_id" content="1193436370">',
        '<meta property="al:ios:app_name" content="البوابة نيوز">',
        '<meta property="og:locale:alternate" content="en_US">',
        '<meta name="mobile-web-app-capable" content="yes">',
        '<meta name="HandheldFriendly" content="True">',
        '<meta name="dailymotion-domain-verification" content="dmq1w2e3r4t5y6u7i">',
        '<meta name="p:domain_verify" content="9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d">',
    ]
    links = [
        '<link rel="dns-prefetch" href="//www.googletagmanager.com">',
        '<link rel="dns-prefetch" href="//securepubads.g.doubleclick.net">',
        '<link rel="dns-prefetch" href="//pagead2.googlesyndication.com">',
        '<link rel="dns-prefetch" href="//connect.facebook.net">',
        '<link rel="dns-prefetch" href="//platform.twitter.com">',
        '<link rel="dns-prefetch" href="//www.google-analytics.com">',
        '<link rel="dns-prefetch" href="//cdn.onesignal.com">',
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>',
        '<link rel="preconnect" href="https://securepubads.g.doubleclick.net" crossorigin>',
        '<link rel="preload" as="font" type="font/woff2" href="/fonts/Cairo-Regular.woff2" crossorigin>',
        '<link rel="preload" as="font" type="font/woff2" href="/fonts/Cairo-Bold.woff2" crossorigin>',
        '<link rel="preload" as="font" type="font/woff2" href="/fonts/icomoon.woff2?v=12" crossorigin>',
        '<link rel="preload" as="script" href="/js/jquery-3.7.1.min.js">',
        '<link rel="preload" as="script" href="/js/main.js?v=3.2.7">',
        '<link rel="preload" as="image" href="/images/logo.png">',
        '<link rel="stylesheet" href="/css/swiper-bundle.min.css?v=8.4">',
        '<link rel="stylesheet" href="/css/icomoon.css?v=12">',
        '<link rel="stylesheet" href="/css/header.css?v=3.2.7">',
        '<link rel="stylesheet" href="/css/footer.css?v=3.2.7">',
        '<link rel="stylesheet" href="/css/responsive.css?v=3.2.7">',
        '<link rel="stylesheet" media="print" href="/css/print.css?v=3.2.7">',
        '<link rel="apple-touch-icon" sizes="57x57" href="/images/icons/apple-icon-57x57.png">',
        '<link rel="apple-touch-icon" sizes="72x72" href="/images/icons/apple-icon-72x72.png">',
        '<link rel="apple-touch-icon" sizes="114x114" href="/images/icons/apple-icon-114x114.png">',
        '<link rel="apple-touch-icon" sizes="152x152" href="/images/icons/apple-icon-152x152.png">',
        '<link rel="apple-touch-icon" sizes="180x180" href="/images/icons/apple-icon-180x180.png">',
        '<link rel="icon" type="image/png" sizes="192x192" href="/images/icons/android-icon-192x192.png">',
        '<link rel="icon" type="image/png" sizes="32x32" href="/images/icons/favicon-32x32.png">',
        '<link rel="icon" type="image/png" sizes="16x16" href="/images/icons/favicon-16x16.png">',
        '<link rel="manifest" href="/manifest.json">',
        f'<link rel="search" type="application/opensearchdescription+xml" title="{C.SITE_NAME}" '
        'href="/opensearch.xml">',
    ]
    css = ("<style>" + "".join(
        f".sec-{sid} .block-title h2{{border-color:#{(sid * 2654435761) % 0xFFFFFF:06x}}}"
        f".sec-{sid} .item-card:hover h3{{color:#{(sid * 40503) % 0xFFFFFF:06x}}}" for sid in C.SECTIONS)
        + ".mega-menu{display:none;position:absolute;background:#fff;box-shadow:0 4px 12px rgba(0,0,0,.12)}"
        ".mega-menu .col{float:right;width:20%;padding:10px}.ticker{overflow:hidden;white-space:nowrap}"
        ".services-bar{font-size:12px;background:#f3f3f3}.side-block{margin-bottom:25px}"
        ".news-grid .item-card{width:50%;float:right;padding:5px}</style>")
    blocks = []
    if jsonld:
        website = {
            "@context": "https://schema.org", "@type": "WebSite", "@id": f"{CANONICAL}/#website",
            "url": f"{CANONICAL}/", "name": C.SITE_NAME, "inLanguage": "ar",
            "publisher": {"@type": "Organization", "name": C.SITE_NAME, "logo": {
                "@type": "ImageObject", "url": f"{CANONICAL}/images/logo.png", "width": 240, "height": 70}},
            "potentialAction": {"@type": "SearchAction",
                                "target": f"{CANONICAL}/search/term?w={{search_term_string}}",
                                "query-input": "required name=search_term_string"},
        }
        crumbs = [{"@type": "ListItem", "position": 1, "name": "الرئيسية", "item": f"{CANONICAL}/"}]
        if section_name:
            crumbs.append({"@type": "ListItem", "position": 2, "name": section_name,
                           "item": f"{CANONICAL}/category/{section}"})
        breadcrumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": crumbs}
        for data in (website, breadcrumbs):
            blocks.append(f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>')
    gtm = ("<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});"
           "var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;"
           "j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);"
           "})(window,document,'script','dataLayer','GTM-K7XQ2PL');</script>")
    data_layer = ("<script>window.dataLayer=window.dataLayer||[];dataLayer.push(" + json.dumps({
        "pageType": kind, "section": section_name, "sectionId": section or 0, "language": "ar",
        "platform": "web", "loggedIn": False}, ensure_ascii=False) + ");</script>")
    slots = ["<script>googletag.cmd.push(function(){",
             "var mapLeader=googletag.sizeMapping().addSize([1024,0],[[728,90],[970,90],[970,250]])"
             ".addSize([0,0],[[320,50],[320,100]]).build();",
             "var mapSide=googletag.sizeMapping().addSize([1024,0],[[300,600],[300,250]]).addSize([0,0],[]).build();"]
    unit = f"/21987654321/albawabh/{kind}" + (f"/sec{section}" if section else "")
    for number, position in enumerate(AD_POSITIONS):
        slots.append(f"googletag.defineSlot('{unit}/{position}',{AD_SIZES[number % len(AD_SIZES)]},"
                     f"'div-gpt-ad-{position}').defineSizeMapping({'mapSide' if 'side' in position else 'mapLeader'})"
                     f".setTargeting('pos','{position}').setTargeting('sec','{section or 0}')"
                     ".addService(googletag.pubads());")
    slots.append("googletag.pubads().enableSingleRequest();googletag.pubads().collapseEmptyDivs();"
                 "googletag.pubads().setTargeting('lang','ar');googletag.pubads().enableLazyLoad("
                 "{fetchMarginPercent:200,renderMarginPercent:100,mobileScaling:2.0});googletag.enableServices();});"
                 "</script>")
    return "\n".join(metas + links + [css] + blocks + [gtm, data_layer, "\n".join(slots)]) + "\n"


def _config_entries(rng: random.Random, teasers: Sequence[Teaser]) -> list[str]:
    """The head's site configuration object, as a list of JSON members (cut to size by the caller)."""
    entries = [
        '"site":' + json.dumps({"name": C.SITE_NAME, "url": f"{CANONICAL}/", "lang": "ar", "dir": "rtl",
                                "cdn": "https://media.albawabhnews.com", "version": "3.2.7"}, ensure_ascii=False),
        '"features":' + json.dumps({name: rng.random() < 0.6 for name in (
            "lazyImages", "infiniteScroll", "pushNotifications", "darkMode", "liveBlog", "audioArticles",
            "commentsFacebook", "stickyVideo", "readingProgress", "newsletterPopup")}),
    ]
    for sid, name in C.SECTIONS.items():
        entries.append(f'"menu_{sid}":' + json.dumps({
            "id": sid, "name": name, "url": f"/category/{sid}",
            "children": [{"name": sub, "url": f"/category/{sid}", "order": n}
                         for n, sub in enumerate(SUBSECTIONS[sid])]}, ensure_ascii=False))
    for position in AD_POSITIONS:
        entries.append(f'"ad_{position}":' + json.dumps({
            "unit": f"/21987654321/albawabh/{position}", "refresh": rng.choice([0, 30, 45, 60]),
            "lazy": rng.random() < 0.7, "label": "إعلان", "minHeight": rng.choice([50, 90, 250, 600])},
            ensure_ascii=False))
    tags = list(C.TAGS.values()) + EXTRA_TAGS
    number = 0
    while number < 4000:  # enough for any budget: the caller takes what it needs
        teaser = teasers[number % len(teasers)]
        entries.append(f'"t{number}":' + json.dumps({
            "id": int(teaser.article_id), "title": teaser.title, "sec": teaser.section,
            "tags": rng.sample(tags, 3), "img": _thumb(teaser.image, "300x169o"), "score": round(rng.random(), 4)},
            ensure_ascii=False))
        number += 1
    return entries


def _sized_blob(prefix: str, entries: list[str], suffix: str, size: int) -> str:
    """``prefix`` + as many ``entries`` (comma-joined) as fit in ``size`` bytes in all + ``suffix``."""
    if size <= 0:
        return ""
    used = len(prefix.encode()) + len(suffix.encode())
    taken = []
    for entry in entries:
        cost = len(entry.encode()) + 2
        if used + cost > size:
            break
        taken.append(entry)
        used += cost
    return prefix + ",\n".join(taken) + suffix


# -- body --------------------------------------------------------------------------------------------


def _social() -> str:
    return "".join(f'<li><a class="{cls}" href="{url}" target="_blank" rel="noopener" title="{name}">'
                   f'<i class="icon-{cls}"></i><span>{name}</span></a></li>' for cls, url, name in SOCIAL)


def _search_link(term: str) -> str:
    return f'<a href="/search/term?w={quote(term.replace(" ", "+"), safe="+")}">{esc(term)}</a>'


def _mega_menu(rng: random.Random, mobile: bool) -> str:
    columns = []
    for sid, name in C.SECTIONS.items():
        subs = "".join(f'<li><a href="/category/{sid}">{sub}</a></li>' for sub in SUBSECTIONS[sid])
        columns.append(f'<div class="col sec-{sid}"><h4 class="col-title"><a href="/category/{sid}">{name}</a></h4>'
                       f"<ul>{subs}</ul></div>")
    tags = rng.sample(list(C.TAGS.values()) + EXTRA_TAGS, 18)
    services = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in SERVICES)
    if mobile:
        return (f'<div class="side-menu" id="side-menu"><a class="close" href="javascript:void(0)" '
                f'aria-label="إغلاق">&times;</a><div class="side-sections">{"".join(columns)}</div>'
                f'<div class="side-tags"><span>الأكثر بحثًا</span> {" ".join(_search_link(t) for t in tags)}</div>'
                f'<ul class="side-services">{services}</ul><ul class="side-social">{_social()}</ul></div>\n')
    return (f'<div class="mega-menu"><div class="container">{"".join(columns)}'
            f'<div class="col col-tags"><h4 class="col-title">موضوعات</h4>'
            f'<p>{" ".join(_search_link(t) for t in tags)}</p></div>'
            f'<div class="col col-services"><h4 class="col-title">خدمات</h4><ul>{services}</ul></div>'
            f'<div class="col col-social"><h4 class="col-title">تابعنا</h4><ul>{_social()}</ul></div></div></div>\n')


def _ad(position: str) -> str:
    return (f'<div class="ad-slot ad-{position}"><div class="ads-label">إعلان</div>'
            f'<div id="div-gpt-ad-{position}" style="min-height:90px"></div></div>\n')


def _body_start() -> str:
    weather = "".join(f'<li><span class="city">{city}</span> <span class="deg">{deg}°</span></li>' for city, deg in (
        ("القاهرة", 24), ("الإسكندرية", 21), ("أسوان", 29), ("الأقصر", 27), ("بورسعيد", 22)))
    prayers = "".join(f'<li><span>{name}</span> <time>{clock}</time></li>' for name, clock in (
        ("الفجر", "04:52"), ("الظهر", "11:43"), ("العصر", "14:33"), ("المغرب", "16:57"), ("العشاء", "18:18")))
    money = "".join(f'<li><span>{name}</span> <b>{value}</b></li>' for name, value in (
        ("الدولار", "48.62"), ("اليورو", "51.37"), ("الريال السعودي", "12.94"), ("ذهب عيار 21", "3,685")))
    return ('<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-K7XQ2PL" height="0" width="0" '
            'style="display:none;visibility:hidden"></iframe></noscript>\n'
            '<div id="fb-root"></div>\n' + _ad("top") +
            f'<div class="services-bar"><div class="container"><ul class="weather">{weather}</ul>'
            f'<ul class="prayer-times"><li class="label"><a href="#prayer-times">مواقيت الصلاة</a></li>{prayers}</ul>'
            f'<ul class="currency"><li class="label"><a href="#currency">أسعار العملات</a></li>{money}</ul>'
            "</div></div>\n")


def _after_header(ticker: Sequence[Teaser]) -> str:
    links = "".join(f'<li><a href="{_href(t)}">{esc(t.title)}</a></li>' for t in ticker)
    return (f'<div class="ticker"><div class="container"><span class="ticker-label">آخر الأخبار</span>'
            f'<ul class="ticker-list">{links}</ul></div></div>\n' + _ad("leaderboard"))


def _li_card(rank: int, teaser: Teaser) -> str:
    return (f'<div class="item-li"><a href="{_href(teaser)}"><span class="num">{rank}</span>'
            f'<div class="img-cont"><img src="{PLACEHOLDER}" class="lazy" '
            f'data-src="{_thumb(teaser.image, "300x169o")}" alt=""></div>'
            f'<div class="txt-cont"><h3>{esc(teaser.title)}</h3></div></a></div>')


def _grid_card(teaser: Teaser) -> str:
    return (f'<div class="item-card"><a href="{_href(teaser)}"><div class="img-cont"><img src="{PLACEHOLDER}" '
            f'class="lazy" data-src="{_thumb(teaser.image, "600x338o")}" alt="{esc(teaser.title)}"></div>'
            f'<div class="txt-cont"><h3>{esc(teaser.title)}</h3><span class="date">{teaser.date}</span></div>'
            "</a></div>\n")


def _sidebar(most_viewed: Sequence[Teaser], related: Sequence[Teaser], picks: Sequence[Teaser],
             section: int | None) -> str:
    viewed = "\n".join(_li_card(rank, t) for rank, t in enumerate(most_viewed, 1))
    grid = "".join(_grid_card(t) for t in related)
    chosen = "".join(f'<li><a href="{_href(t)}"><span class="cat">{C.SECTIONS[t.section]}</span> '
                     f"{esc(t.title)}</a></li>" for t in picks)
    videos = "".join(f'<li><a href="https://www.youtube.com/watch?v={vid}" target="_blank" rel="noopener">'
                     f'<img src="{PLACEHOLDER}" class="lazy" '
                     f'data-src="https://i.ytimg.com/vi/{vid}/mqdefault.jpg" alt="">'
                     f"<span>{title}</span></a></li>" for title, vid in VIDEOS)
    title = f"أخبار ذات صلة بالقسم: {C.SECTIONS[section]}" if section else "أخبار ذات صلة بالقسم"
    return (f'<div class="side-block most-viewed"><div class="block-title"><h2>الأكثر مشاهدة</h2></div>'
            f'<div class="news-list">\n{viewed}\n</div></div>\n' + _ad("sidebar_2") +
            f'<div class="side-block related-section"><div class="block-title"><h2>{title}</h2></div>'
            f'<div class="news-grid">\n{grid}</div></div>\n'
            f'<div class="side-block picks"><div class="block-title"><h2>اخترنا لك</h2></div><ul>{chosen}</ul></div>\n'
            f'<div class="side-block videos"><div class="block-title"><h2>فيديو</h2></div><ul>{videos}</ul></div>\n'
            '<div class="side-block newsletter"><h2>النشرة البريدية</h2><p>اشترك لتصلك أهم الأخبار يوميًا على بريدك.</p>'
            '<form action="#newsletter" method="post"><input type="email" name="email" placeholder="بريدك الإلكتروني">'
            '<button type="submit">اشترك</button></form></div>\n'
            '<div class="side-block poll"><h2>استطلاع الرأي</h2><p>هل تتوقع انخفاض الأسعار خلال الشهور المقبلة؟</p>'
            '<form action="#poll" method="post"><label><input type="radio" name="v" value="1"> نعم</label>'
            '<label><input type="radio" name="v" value="2"> لا</label><label><input type="radio" name="v" value="3"> '
            'لا أعرف</label><button type="submit">تصويت</button></form></div>\n' + _ad("sidebar_3"))


def _footer(rng: random.Random) -> str:
    columns = []
    for sid, name in C.SECTIONS.items():
        subs = "".join(f'<li><a href="/category/{sid}">{sub}</a></li>' for sub in SUBSECTIONS[sid][:6])
        columns.append(f'<div class="f-col"><h4><a href="/category/{sid}">{name}</a></h4><ul>{subs}</ul></div>')
    tags = " ".join(_search_link(t) for t in rng.sample(list(C.TAGS.values()) + EXTRA_TAGS, 16))
    services = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in SERVICES)
    partners = "".join(f'<li><a href="{url}" target="_blank" rel="noopener">{name}</a></li>' for name, url in PARTNERS)
    return (f'<div class="footer-columns">{"".join(columns)}</div>\n'
            f'<div class="footer-tags"><span>موضوعات تهمك:</span> {tags}</div>\n'
            f'<div class="footer-services"><ul>{services}</ul></div>\n'
            f'<div class="footer-partners"><span>شبكة مواقع:</span><ul>{partners}</ul></div>\n'
            f'<ul class="footer-social">{_social()}</ul>\n'
            '<p class="footer-note">رئيس مجلس الإدارة ورئيس التحرير: عبد الرحيم علي &mdash; جميع المواد المنشورة '
            "محمية بموجب قوانين حقوق الملكية الفكرية، ويحظر النقل أو الاقتباس دون ذكر المصدر.</p>\n")


def _body_end_scripts(kind: str) -> str:
    return ("<script>window.fbAsyncInit=function(){FB.init({appId:'1573421336237548',xfbml:true,version:'v19.0'});};"
            "(function(d,s,id){var js,fjs=d.getElementsByTagName(s)[0];if(d.getElementById(id)){return;}"
            "js=d.createElement(s);js.id=id;js.async=true;js.src='https://connect.facebook.net/ar_AR/sdk.js';"
            "fjs.parentNode.insertBefore(js,fjs);}(document,'script','facebook-jssdk'));</script>\n"
            '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
            '<script src="/js/swiper-bundle.min.js?v=8.4"></script>\n<script src="/js/lazysizes.min.js"></script>\n'
            "<script>(function(){var io=new IntersectionObserver(function(es){es.forEach(function(e){"
            "if(e.isIntersecting){var i=e.target;i.src=i.getAttribute('data-src');i.classList.remove('lazy');"
            "io.unobserve(i);}});},"
            "{rootMargin:'200px'});document.querySelectorAll('img.lazy').forEach(function(i){io.observe(i);});"
            "var t=document.querySelector('.ticker-list');if(t){var x=0;setInterval(function(){"
            "x=(x+1)%t.children.length;t.style.transform='translateX('+(x*100)+'%)';},4000);}"
            "document.querySelectorAll('.menu-toggle').forEach(function(b){b.addEventListener('click',function(){"
            "document.getElementById('side-menu').classList.toggle('open');});});})();</script>\n"
            "<script>setInterval(function(){if(document.visibilityState==='visible'){googletag.cmd.push(function(){"
            "googletag.pubads().refresh(googletag.pubads().getSlots().filter(function(s){"
            "return s.getTargeting('pos')[0]!=='interstitial';}));});}},60000);</script>\n"
            "<script>var _comscore=_comscore||[];_comscore.push({c1:'2',c2:'21458093',"
            "options:{enableFirstPartyCookie:true}});(function(){var s=document.createElement('script'),"
            "el=document.getElementsByTagName('script')[0];s.async=true;s.src='https://sb.scorecardresearch.com/cs/21458093/beacon.js';el.parentNode.insertBefore(s,el);})();</script>\n"
            f"<script>window.OneSignal=window.OneSignal||[];OneSignal.push(function(){{OneSignal.init({{appId:"
            f"'7c2e91b4-5d3a-4f6e-9b8a-1e2d3c4b5a69',notifyButton:{{enable:false}},promptOptions:{{slidedown:{{prompts:[{{"
            f"type:'push',text:{{actionMessage:'اشترك ليصلك كل جديد من البوابة نيوز',acceptButton:'اشترك',"
            f"cancelButton:'لاحقًا'}}}}]}}}},pageType:'{kind}'}});}});</script>\n")


# -- assembling --------------------------------------------------------------------------------------


def render_chrome(kind: str, section: int | None, teasers: Sequence[Teaser], ticker: Sequence[Teaser],
                  most_viewed: Sequence[Teaser], related: Sequence[Teaser], budget: int, jsonld: bool = True,
                  seed: int = 0) -> Chrome:
    """The chrome of one kind of page (``article``, ``listing``, ``home``) of one section, taking up ``budget``
    bytes in all when the fixed part leaves room (the two script blobs grow to fill it)."""
    rng = random.Random(f"{seed}-{kind}-{section}-{jsonld}")
    picks = [teasers[rng.randrange(len(teasers))] for _ in range(6)]
    parts = dict(
        head=_head_tags(kind, section, jsonld),
        body_start=_body_start(),
        desktop_menu=_mega_menu(rng, mobile=False),
        mobile_menu=_mega_menu(rng, mobile=True),
        after_header=_after_header(ticker),
        sidebar=_sidebar(most_viewed, related, picks, section),
        footer=_footer(rng),
        body_end=_body_end_scripts(kind),
    )
    fixed = sum(len(part.encode()) for part in parts.values())
    room = budget - fixed
    if room > 0:
        entries = _config_entries(rng, teasers)
        head_blob = _sized_blob("<script>window.albawabhConfig={", entries, "};</script>\n", room * 11 // 20)
        rest = room - len(head_blob.encode())
        recirculation = [json.dumps({"id": int(t.article_id), "url": f"{CANONICAL}/{t.article_id}", "title": t.title,
                                     "section": C.SECTIONS[t.section], "image": _thumb(t.image, "600x338o")},
                                    ensure_ascii=False) for t in teasers]
        recirculation = (recirculation * (4000 // max(1, len(recirculation)) + 1))[:4000]
        tail_blob = _sized_blob('<script type="application/json" id="recirculation-data">[', recirculation,
                                "]</script>\n", rest)
        parts["head"] += head_blob
        parts["body_end"] += tail_blob
    return Chrome(**parts)


class ChromeError(ValueError):
    """A page does not have the markers the chrome is spliced at."""


def _insert_before(text: str, marker: str, piece: str, start: int = 0, last: bool = False) -> tuple[str, int]:
    at = text.rfind(marker) if last else text.find(marker, start)
    if at < 0:
        raise ChromeError(f"no {marker!r} in the page")
    return text[:at] + piece + text[at:], at + len(piece) + len(marker)


def pad_page(page: str, chrome: Chrome) -> str:
    """``page`` (a page of ``tests/site/build.py``) with ``chrome`` spliced in; every byte of ``page`` kept, in
    order: each piece goes at a marker of the copy's own chrome, outside ``<article class="cont">``."""
    text, _ = _insert_before(page, "</head>", chrome.head)
    body = '<body class="rtl">\n'
    at = text.find(body)
    if at < 0:
        raise ChromeError("no <body class=\"rtl\"> in the page")
    text = text[: at + len(body)] + chrome.body_start + text[at + len(body):]
    text, end = _insert_before(text, "</header>", chrome.desktop_menu)  # the desktop masthead
    text, end = _insert_before(text, "</header>", chrome.mobile_menu, end)  # the mobile masthead
    text = text[: end + 1] + chrome.after_header + text[end + 1:]  # after "</header>\n"
    article_end = text.find("</article>")
    aside_end = text.rfind("</aside>")
    if aside_end < article_end:
        raise ChromeError("the sidebar is not after the article")
    text = text[:aside_end] + chrome.sidebar + text[aside_end:]
    text, _ = _insert_before(text, "</footer>", chrome.footer, last=True)
    text, _ = _insert_before(text, "</body>", chrome.body_end, last=True)
    return text


def pad_saved_pages(pages: dict[str, str], page_kb: float, seed: int = 0) -> dict[str, str]:
    """The offline copy's saved article pages (article id -> HTML, ``tests/site/pages/articles``) padded with
    the chrome of their section, as ``benchmarks.site`` pads a generated site: the chrome's article links
    name the copy's own articles, the budget is ``page_kb`` KB less the pages' mean weight."""
    from tests.site import build

    articles = {a["id"]: a for a in C.ARTICLES}
    listed = [a for a in sorted(C.ARTICLES, key=lambda a: a["published"], reverse=True) if not a.get("orphan")]
    teasers = [Teaser(a["id"], a["title"], a["section"], a["lead"], build.card_date(a["published"])) for a in listed]
    rng = random.Random(seed)
    ticker = teasers[:10]
    most_viewed = [teasers[i] for i in sorted(rng.sample(range(len(teasers)), min(10, len(teasers))))]
    budget = int(page_kb * 1024 - sum(len(html.encode()) for html in pages.values()) / len(pages))
    cache: dict[tuple, Chrome] = {}
    padded = {}
    for article_id, page in pages.items():
        article = articles[article_id]
        key = (article["section"], article["jsonld"] != "nothing")
        if key not in cache:
            related = [t for t in teasers if t.section == article["section"]][:6] or teasers[3:9]
            cache[key] = render_chrome("article", article["section"], teasers, ticker, most_viewed, related, budget,
                                       jsonld=key[1], seed=seed)
        padded[article_id] = pad_page(page, cache[key])
    return padded
