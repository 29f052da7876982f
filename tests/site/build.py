"""Write ``tests/site/pages/`` from ``content.py`` and ``tests/site/pages-update/`` from
``content_update.py``: the offline copy of albawabhnews.com, in its base edition and as an overlay
for its "update" edition (the site some hours later).

Run ``.venv/bin/python -m tests.site.build`` after editing the content, then commit both directories. The
output is deterministic (no clock, no randomness, sorted iteration): running it twice gives the same
bytes, so ``git diff`` shows exactly what an edit changed.

This module only wraps the hand-written content in the site's chrome (head, top bar, the two
mastheads, menus, sidebar, footer) and lays out the listings; it never decides what a crawler should
extract. The expected output (``tests/fixtures/albawabh/expected.json``) is written by hand from the
pages.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from lxml import html as lxml_html

from tests.site import content as C

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
PAGES_UPDATE = HERE / "pages-update"
#: In a pages directory: the Last-Modified dates the server sends (never served itself).
LAST_MODIFIED = "last-modified.json"
#: In an overlay directory: the base files the edition no longer has, one relpath a line.
DELETED = "deleted.txt"
CAIRO = ZoneInfo("Africa/Cairo")

ARTICLES = {a["id"]: a for a in C.ARTICLES}
PLACEHOLDER = "/images/placeholder.png"
GNEWS_URL = "https://news.google.com/publications/CAAqBwgKMJiWlgsw8a6tAw?hl=ar&amp;gl=EG&amp;ceid=EG:ar"
SOCIAL = [
    ("facebook", "https://www.facebook.com/albawabhnews", "فيسبوك"),
    ("twitter", "https://twitter.com/albawabhnews", "تويتر"),
    ("youtube", "https://www.youtube.com/user/albawabhnews", "يوتيوب"),
    ("instagram", "https://www.instagram.com/albawabhnews/", "إنستجرام"),
    ("telegram", "https://t.me/albawabhnews", "تليجرام"),
]


# -- small helpers -----------------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def canonical(article_id: str) -> str:
    return f"{C.CANONICAL}/{article_id}"


def split_image(path: str) -> tuple[str, str, str]:
    a, b, c = path.split("/")
    return a, b, c


def full_image(path: str) -> str:
    a, b, c = split_image(path)
    return f"{C.CANONICAL}/Upload/libfiles/{a}/{b}/{c}.jpg"


def thumb(path: str, size: str = "600x338o") -> str:
    a, b, c = split_image(path)
    return f"/UploadCache/libfiles/{a}/{b}/{size}/{c}.jpg"


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def card_date(published: str) -> str:
    """The listing card's date: ``22/11/2023 01:47 م`` (day first, 12-hour clock, ص/م)."""
    dt = parse_iso(published)
    hour12 = dt.hour % 12 or 12
    suffix = "ص" if dt.hour < 12 else "م"
    return f"{dt.day:02d}/{dt.month:02d}/{dt.year} {hour12:02d}:{dt.minute:02d} {suffix}"


def rfc822(published: str) -> str:
    return format_datetime(parse_iso(published))


def first_paragraph_text(body: str) -> str:
    match = re.search(r"<p[^>]*>(.*?)</p>", body, re.S)
    text = re.sub(r"<[^>]+>", "", match.group(1)) if match else ""
    return " ".join(html.unescape(text).split())


def description(article: dict) -> str:
    text = first_paragraph_text(article["body"])
    if len(text) <= 160:
        return text
    return text[:160].rsplit(" ", 1)[0] + "..."


def writer_name(article: dict) -> str:
    return C.WRITERS[article["writer"]] if article["writer"] else C.SITE_NAME


def sorted_by_date(ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda i: parse_iso(ARTICLES[i]["published"]), reverse=True)


# -- chrome ------------------------------------------------------------------------------------------

ORG_LD = json.dumps(
    {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": C.SITE_NAME,
        "url": f"{C.CANONICAL}/",
        "logo": {"@type": "ImageObject", "url": f"{C.CANONICAL}/images/logo.png"},
        "sameAs": [url for _, url, _ in SOCIAL[:3]],
    },
    ensure_ascii=False,
)


def head(title: str, desc: str, extra: str = "", org_ld: bool = True) -> str:
    ld = f'<script type="application/ld+json">{ORG_LD}</script>\n' if org_ld else ""
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="description" content="{esc(desc)}">
{extra}<link rel="icon" href="/favicon.ico" type="image/x-icon">
<link rel="alternate" type="application/rss+xml" title="{C.SITE_NAME}" href="{C.CANONICAL}/rss.xml">
<link rel="preconnect" href="https://fonts.googleapis.com">
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Cairo:wght@400;700&amp;display=swap">
<link rel="stylesheet" href="/css/bootstrap.rtl.min.css?v=5.3">
<link rel="stylesheet" href="/css/style.css?v=3.2.7">
<style>
  .top-bar{{background:#b4151b;color:#fff;font-size:13px}}
  .ads{{min-height:90px;text-align:center;color:#bbb;font-size:11px;margin:15px 0}}
  .item-card .img-cont img{{aspect-ratio:16/9;width:100%}}
  .paragraph-list p{{font-size:18px;line-height:1.9}}
</style>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7XK2C3M4QZ"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','G-7XK2C3M4QZ');</script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>window.googletag=window.googletag||{{cmd:[]}};</script>
{ld}</head>
"""


def social_links() -> str:
    return "".join(
        f'<a class="{cls}" href="{url}" target="_blank" rel="noopener" title="{name}"><i class="icon-{cls}"></i></a>'
        for cls, url, name in SOCIAL
    )


def menu_items(active: int | None) -> str:
    items = ['<li><a href="/">الرئيسية</a></li>']
    for sid, name in C.SECTIONS.items():
        cls = ' class="active"' if sid == active else ""
        items.append(f'<li{cls}><a href="/category/{sid}">{name}</a></li>')
    return "".join(items)


def top(active: int | None = None) -> str:
    trending = " ".join(
        f'<a href="/search/term?w={term.replace(" ", "+")}">{term}</a>' for term in C.TRENDING
    )
    menu = menu_items(active)
    return f"""<body class="rtl">
<div class="top-bar">
  <div class="container">
    <span class="today">{C.TOP_BAR_DATE}</span>
    <ul class="top-links"><li><a href="/page/about">من نحن</a></li><li><a href="/contact-us">اتصل بنا</a></li><li><a href="/rss.xml">RSS</a></li></ul>
    <div class="social-top">{social_links()}</div>
  </div>
</div>
<header class="header header-desktop d-none d-lg-block">
  <div class="container">
    <div class="logo"><a href="/"><img src="/images/logo.png" alt="{C.SITE_NAME}" width="240" height="70"><span class="site-name">{C.SITE_NAME}</span></a></div>
    <div class="header-ad"><div class="ads">Advertisements</div></div>
  </div>
  <nav class="main-menu"><div class="container"><ul>{menu}</ul></div></nav>
  <div class="trending"><div class="container"><span>الأكثر بحثًا:</span> {trending}</div></div>
</header>
<header class="header header-mobile d-lg-none">
  <a class="menu-toggle" href="javascript:void(0)" aria-label="القائمة">&#9776;</a>
  <div class="logo"><a href="{C.CANONICAL}/"><img src="/images/logo-m.png" alt="{C.SITE_NAME}"><span class="site-name">{C.SITE_NAME}</span></a></div>
  <a class="search-toggle" href="javascript:void(0)" aria-label="بحث">&#128269;</a>
  <nav class="mobile-menu"><ul>{menu}</ul></nav>
  <form class="search-form" action="/search/term" method="get"><input type="text" name="w" placeholder="ابحث في {C.SITE_NAME}"><button type="submit">بحث</button></form>
</header>
"""


def footer() -> str:
    sections = "".join(f'<li><a href="/category/{sid}">{name}</a></li>' for sid, name in C.SECTIONS.items())
    return f"""<footer class="footer">
  <div class="container">
    <div class="footer-logo"><a href="/"><img src="/images/logo-white.png" alt="{C.SITE_NAME}"></a></div>
    <ul class="footer-sections">{sections}</ul>
    <ul class="footer-links"><li><a href="/page/about">من نحن</a></li><li><a href="/contact-us">اتصل بنا</a></li><li><a href="/rss.xml">خدمة RSS</a></li><li><a href="mailto:info@albawabhnews.com">راسلنا</a></li></ul>
    <div class="social">{social_links()}</div>
    <div class="apps"><a href="https://play.google.com/store/apps/details?id=com.albawabhnews.app" target="_blank" rel="noopener">Google Play</a> <a href="https://apps.apple.com/eg/app/albawabh-news/id1193436370" target="_blank" rel="noopener">App Store</a></div>
    <div class="partners">مواقع صديقة: <a href="https://www.youm7.com/" target="_blank">اليوم السابع</a> <a href="https://www.ahram.org.eg/" target="_blank">الأهرام</a> <a href="https://www.elbalad.news/" target="_blank">صدى البلد</a> <a href="https://www.dostor.org/" target="_blank">الدستور</a></div>
    <p class="copyright">جميع الحقوق محفوظة &copy; {C.SITE_NAME} 2026</p>
  </div>
</footer>
<script src="/js/jquery-3.7.1.min.js"></script>
<script src="/js/main.js?v=3.2.7"></script>
<script>
  $(function () {{
    $('img[data-src]').each(function () {{ var s = $(this).attr('data-src'); if (s) {{ $(this).attr('src', s); }} }});
    $('.menu-toggle').on('click', function () {{ $('.mobile-menu').toggleClass('open'); }});
  }});
</script>
</body>
</html>
"""


def card(article_id: str, key: str, extra_class: str = "") -> str:
    if article_id == C.MISSING_ARTICLE["id"]:
        title = C.MISSING_ARTICLE["title"]
        date = C.MISSING_ARTICLE["card_date"]
        img = thumb(C.MISSING_ARTICLE["thumb"])
    else:
        article = ARTICLES[article_id]
        assert not article.get("orphan"), f"orphan {article_id} must not be listed"
        title = article["title"]
        date = card_date(article["published"])
        img = thumb(article["lead"]) if article["lead"] else "/images/default-news.jpg"
    href = canonical(article_id) if (key, article_id) in C.ABSOLUTE_CARDS else f"/{article_id}"
    return f"""<div class="item-card{extra_class}">
  <a href="{href}">
    <div class="img-cont"><img src="{PLACEHOLDER}" class="lazy" data-src="{img}" alt="{esc(title)}"></div>
    <div class="txt-cont"><h3>{esc(title)}</h3><span class="date">{date}</span></div>
  </a>
</div>
"""


def sidebar(most_read: list[str] | None = None) -> str:
    """The "most read" box: ``C.MOST_READ`` unless the caller gives the list (the update edition's listings)."""
    items = []
    for rank, article_id in enumerate(C.MOST_READ if most_read is None else most_read, 1):
        article = ARTICLES[article_id]
        assert not article.get("orphan")
        href = canonical(article_id) if ("sidebar", article_id) in C.ABSOLUTE_CARDS else f"/{article_id}"
        img = thumb(article["lead"], "300x169o")
        items.append(
            f'<div class="item-li"><a href="{href}"><span class="num">{rank}</span>'
            f'<div class="img-cont"><img src="{PLACEHOLDER}" class="lazy" data-src="{img}" alt=""></div>'
            f'<div class="txt-cont"><h3>{esc(article["title"])}</h3></div></a></div>'
        )
    joined = "\n    ".join(items)
    return f"""<aside class="col-side">
  <div class="block-title"><h2>الأكثر قراءة</h2></div>
  <div class="news-list">
    {joined}
  </div>
  <div class="ads">Advertisements</div>
  <div class="fb-page-box"><iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Falbawabhnews&amp;tabs&amp;width=340&amp;height=130" width="340" height="130" style="border:none;overflow:hidden" scrolling="no" frameborder="0"></iframe></div>
</aside>
"""


def layout(main: str, most_read: list[str] | None = None) -> str:
    return f"""<main class="main-content">
<div class="container">
<div class="row">
<div class="col-main">
{main}</div>
{sidebar(most_read)}</div>
</div>
</main>
"""


def breadcrumb(name: str, href: str) -> str:
    return f'<div class="breadcrumb"><a href="/">الرئيسية</a><span class="sep">&#187;</span><a href="{href}">{name}</a></div>'


def pager(base: str, page: int, last: int) -> str:
    if last <= 1:
        return ""
    items = []
    if page > 1:
        items.append(f'<li><a href="{base}?page={page - 1}" rel="prev">السابق</a></li>')
    for number in range(1, last + 1):
        cls = ' class="active"' if number == page else ""
        items.append(f'<li{cls}><a href="{base}?page={number}">{number}</a></li>')
    if page < last:
        items.append(f'<li><a href="{base}?page={page + 1}" rel="next">التالي</a></li>')
    return '<ul class="pagination">\n  ' + "\n  ".join(items) + "\n</ul>\n"


# -- JSON-LD -----------------------------------------------------------------------------------------


def author_ld(article: dict) -> dict:
    if article["writer"]:
        return {
            "@type": "Person",
            "name": C.WRITERS[article["writer"]],
            "url": f"{C.CANONICAL}/writer/{article['writer']}",
        }
    return {"@type": "Organization", "name": C.SITE_NAME}


def image_paths(article: dict) -> list[str]:
    paths = [article["lead"]] if article["lead"] else []
    return paths + list(article.get("gallery", []))


def news_article(article: dict, context: bool = True, image_objects: bool = False) -> dict:
    data: dict = {}
    if context:
        data["@context"] = "https://schema.org"
    data["@type"] = "NewsArticle"
    data["mainEntityOfPage"] = {"@type": "WebPage", "@id": canonical(article["id"])}
    data["headline"] = article["title"]
    data["datePublished"] = article["ld_published"]
    if article.get("ld_modified"):
        data["dateModified"] = article["ld_modified"]
    data["author"] = author_ld(article)
    data["description"] = description(article)
    data["articleSection"] = C.SECTIONS[article["section"]]
    if image_objects:
        data["image"] = [
            {"@type": "ImageObject", "url": full_image(p), "width": 1200, "height": 675} for p in image_paths(article)
        ]
    else:
        data["image"] = [full_image(p) for p in image_paths(article)]
    data["inLanguage"] = "ar"
    data["publisher"] = {
        "@type": "Organization",
        "name": C.SITE_NAME,
        "logo": {"@type": "ImageObject", "url": f"{C.CANONICAL}/images/logo.png", "width": 240, "height": 70},
    }
    return data


def article_ld(article: dict) -> str:
    """The article's own ld+json block(s), per its ``jsonld`` variant ("" for none/nothing)."""
    mode = article["jsonld"]
    if mode in ("none", "nothing"):
        return ""
    if mode == "valid":
        text = json.dumps(news_article(article), ensure_ascii=False, indent=2)
    elif mode == "valid-ascii":
        text = json.dumps(news_article(article), ensure_ascii=True)
    elif mode == "compact":
        text = json.dumps(news_article(article), ensure_ascii=False, separators=(",", ":"))
    elif mode == "list":
        crumbs = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "الرئيسية", "item": f"{C.CANONICAL}/"},
                {
                    "@type": "ListItem",
                    "position": 2,
                    "name": C.SECTIONS[article["section"]],
                    "item": f"{C.CANONICAL}/category/{article['section']}",
                },
            ],
        }
        text = json.dumps([crumbs, news_article(article)], ensure_ascii=False, indent=1)
    elif mode == "graph":
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "@id": f"{C.CANONICAL}/#website", "url": f"{C.CANONICAL}/", "name": C.SITE_NAME},
                {
                    "@type": "WebPage",
                    "@id": canonical(article["id"]),
                    "url": canonical(article["id"]),
                    "name": article["title"],
                    "isPartOf": {"@id": f"{C.CANONICAL}/#website"},
                },
                news_article(article, context=False, image_objects=True),
            ],
        }
        text = json.dumps(graph, ensure_ascii=False, indent=2)
    elif mode == "broken-comma":
        # A trailing comma before the closing brace: invalid JSON, as some CMS templates emit.
        text = json.dumps(news_article(article), ensure_ascii=False, indent=2)
        assert text.endswith("\n}")
        text = text[:-2] + ",\n}"
    elif mode == "broken-truncated":
        # The object is cut off inside the author's name (a template that died half-way).
        full = json.dumps(news_article(article), ensure_ascii=False, indent=2)
        cut = full.index('"name"', full.index('"author"')) + len('"name": "') + 2
        text = full[:cut]
    else:
        raise ValueError(mode)
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


# -- article page ------------------------------------------------------------------------------------


def lead_image(article: dict) -> str:
    path = article["lead"]
    if not path:
        return ""
    caption = esc(article["lead_caption"])
    if article.get("lead_src") == "full-abs":
        img = f'<img src="{PLACEHOLDER}" class="lazy" data-src="{full_image(path)}" alt="{caption}">'
    else:
        img = (
            f'<img src="{PLACEHOLDER}" class="lazy" data-src="{thumb(path)}" alt="{caption}" srcset="\n'
            f"                {thumb(path, '400x225o')} 400w,\n"
            f"                {thumb(path, '600x338o')} 600w,\n"
            f"                {thumb(path, '800x450o')} 800w\" sizes=\"(max-width: 768px) 100vw, 800px\">"
        )
    return f'<div class="mainImg"><figure>{img}<figcaption>{caption}</figcaption></figure></div>\n'


def gnews_widget() -> str:
    return (
        f'<div class="gnews">تابع أحدث الأخبار عبر تطبيق <a href="{GNEWS_URL}" target="_blank" rel="nofollow">'
        '<img src="/images/google-news.png" alt="google news"></a></div>\n'
    )


def keywords_block(article: dict) -> str:
    """The keyword links after ``div.tags`` (chrome, not body): the meta keywords as written, else the tag
    names, each linked to the site search (robots-disallowed, so no crawl follows them)."""
    words = [w.strip() for w in (article["keywords"] or "").split(",") if w.strip()]
    words = words or [C.TAGS[t] for t in article["tags"]]
    links = " ".join(f'<a href="/search/term?w={quote(w.replace(" ", "+"), safe="+")}">{esc(w)}</a>' for w in words)
    return f'<div class="keywords"><span class="keywords-title">كلمات دلالية:</span> {links}</div>\n'


def comments_block(url: str) -> str:
    return (
        '<div class="comments"><h3>التعليقات</h3>'
        "<p class=\"comments-note\">التعليقات المنشورة تعبر عن آراء أصحابها، ويحتفظ الموقع بحق حذف أي تعليق مسيء.</p>"
        f'<div class="fb-comments" data-href="{url}" data-width="100%" data-numposts="5"></div></div>\n'
    )


def more_news(article: dict) -> str:
    """"More from the section": 3 cards from the first page of the article's section as built in the base
    edition (articles every crawl reaches anyway), inside ``article.cont`` after the comments."""
    section = article["section"]
    if section not in C.SECTION_PAGES:  # a section the copy does not build (آراء حرة): no box
        return ""
    ids = [i for i in C.SECTION_PAGES[section][0] if i != article["id"]][:3]
    cards = "".join(card(i, f"more/{article['id']}") for i in ids)
    name = C.SECTIONS[section]
    return f"""<div class="more-news">
<h3>المزيد من {name}</h3>
{cards}<a class="more" href="/category/{section}">المزيد</a>
</div>
"""


def article_page(article: dict) -> str:
    aid = article["id"]
    url = canonical(aid)
    title = article["title"]
    section_name = C.SECTIONS[article["section"]]
    desc = description(article)

    meta = []
    if article["canonical"]:
        meta.append(f'<link rel="canonical" href="{url}">')
    meta += [
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{C.SITE_NAME}">',
        '<meta property="og:locale" content="ar_AR">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<meta property="og:description" content="{esc(desc)}">',
    ]
    if article["canonical"]:
        meta.append(f'<meta property="og:url" content="{url}">')
    if article["og_image"]:
        meta += [
            f'<meta property="og:image" content="{full_image(article["lead"])}">',
            '<meta property="og:image:width" content="1200">',
            '<meta property="og:image:height" content="675">',
        ]
    meta += [
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:site" content="@albawabhnews">',
        f'<meta name="twitter:title" content="{esc(title)}">',
    ]
    if article["og_image"]:
        meta.append(f'<meta name="twitter:image" content="{full_image(article["lead"])}">')
    if article["meta_published"]:
        meta.append(f'<meta property="article:published_time" content="{article["meta_published"]}">')
        meta.append(f'<meta property="article:section" content="{section_name}">')
    if article.get("meta_modified"):
        meta.append(f'<meta property="article:modified_time" content="{article["meta_modified"]}">')
    if article["keywords"] is not None:
        meta.append(f'<meta name="keywords" content="{esc(article["keywords"])}">')
    extra = "\n".join(meta) + "\n" + article_ld(article)

    if article.get("column"):  # an opinion column: no byline; the headline names the writer (SITE.md)
        byline = ""
    elif article["writer"]:
        byline = f'<div class="writer"><a href="/writer/{article["writer"]}">{C.WRITERS[article["writer"]]}</a></div>'
    else:
        byline = f'<div class="writer">{C.SITE_NAME}</div>'
    attr = f' datetime="{article["time_attr"]}"' if article["time_attr"] else ""
    print_link = (
        f' <a class="print" href="/print.aspx?id={aid}" target="_blank">طباعة</a>' if article.get("print") else ""
    )
    share = (
        '<div class="share-bar"><span class="share-title">شارك</span> '
        f'<a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={url}" target="_blank" rel="noopener">فيسبوك</a> '
        f'<a class="tw" href="https://twitter.com/intent/tweet?url={url}&amp;text={quote(title)}" target="_blank" rel="noopener">تويتر</a> '
        f'<a class="wa" href="whatsapp://send?text={url}">واتساب</a>{print_link}</div>'
    )
    gnews = gnews_widget() if article.get("gnews", "outside") == "outside" else ""
    if article["tags"]:
        links = "".join(f'<a href="/tag/{t}">{C.TAGS[t]}</a>' for t in article["tags"])
        tags = f'<div class="tags"><span class="tags-title">الكلمات المفتاحية:</span> {links}</div>\n'
    else:
        tags = ""

    main = f"""<article class="cont" id="article-{aid}">
{breadcrumb(section_name, f"/category/{article['section']}")}
<h1>{esc(title)}</h1>
{byline}
<div class="publish"><time{attr}>{article["date_text"]}</time></div>
{share}
{lead_image(article)}{gnews}<div class="paragraph-list">{article["body"]}</div>
{tags}{keywords_block(article)}{comments_block(url)}{more_news(article)}</article>
"""
    org = article["jsonld"] != "nothing"
    return head(f"{title} - {C.SITE_NAME}", desc, extra, org_ld=org) + top(article["section"]) + layout(main) + footer()


def print_page(article: dict) -> str:
    """The print view: the same article in simpler markup (no chrome, no read-also, no ads)."""
    wrapper = lxml_html.fragment_fromstring(article["body"], create_parent="div")
    blocks = []
    for element in wrapper:
        if element.tag not in ("p", "h2"):
            continue
        text = " ".join(element.text_content().replace("\u200f", "").replace("\u200b", "").split())
        if not text or element.xpath(".//a"):
            continue
        blocks.append(f"<{element.tag}>{html.escape(text, quote=False)}</{element.tag}>")
    body = "\n".join(blocks)
    canonical_link = f'<link rel="canonical" href="{canonical(article["id"])}">\n' if article.get("print") == "with-canonical" else ""
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>{esc(article["title"])} - {C.SITE_NAME}</title>
<meta name="robots" content="noindex, follow">
{canonical_link}<style>body{{font-family:Tahoma,Arial;margin:30px;color:#000}} h1{{font-size:24px}} .print-meta{{color:#555;margin-bottom:15px}}</style>
</head>
<body onload="window.print();">
<div class="print-page">
<div class="print-logo"><img src="/images/logo.png" alt="{C.SITE_NAME}"></div>
<h1>{esc(article["title"])}</h1>
<div class="print-meta"><span class="writer">{writer_name(article)}</span> - <span class="date">{article["date_text"]}</span></div>
<div class="paragraph-list">
{body}
</div>
<div class="print-footer">رابط الخبر: {canonical(article["id"])} - <a href="/{article["id"]}">العودة إلى الخبر</a></div>
</div>
</body>
</html>
"""


# -- listings ----------------------------------------------------------------------------------------


def listing_page(title: str, heading: str, crumb: str, base: str, key: str, ids: list[str], page: int, last: int, active: int | None,
                 most_read: list[str] | None = None) -> str:
    url = f"{C.CANONICAL}{base}" + (f"?page={page}" if page > 1 else "")
    feed_link = (
        f'<link rel="alternate" type="application/rss+xml" title="{C.SITE_NAME} - {title}" href="{C.CANONICAL}/rss/section/{active}">\n'
        if active is not None and base == f"/category/{active}"
        else ""
    )
    page_title = f"{title} - صفحة {page} - {C.SITE_NAME}" if page > 1 else f"{title} - {C.SITE_NAME}"
    extra = (
        f'<link rel="canonical" href="{url}">\n'
        f'<meta property="og:title" content="{esc(page_title)}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="og:image" content="{C.CANONICAL}/images/logo-share.png">\n'
        f"{feed_link}"
    )
    cards = "".join(card(i, key) for i in ids)
    main = f"""{crumb}
<h1 class="section-title">{heading}</h1>
<div class="cont">
{cards}</div>
{pager(base, page, last)}<div class="ads">Advertisements</div>
"""
    desc = f"آخر أخبار {title} على {C.SITE_NAME}"
    return head(page_title, desc, extra) + top(active) + layout(main, most_read) + footer()


def home_page(most_read: list[str] | None = None) -> str:
    blocks = []
    for index, (name, section, ids) in enumerate(C.HOME_BLOCKS):
        cards = "".join(card(i, "home", " big" if index == 0 and n == 0 else "") for n, i in enumerate(ids))
        title = f'<h2><a href="/category/{section}">{name}</a></h2><a class="more" href="/category/{section}">المزيد</a>' if section else f"<h2>{name}</h2>"
        blocks.append(f'<section class="home-block">\n<div class="block-title">{title}</div>\n<div class="cont">\n{cards}</div>\n</section>\n')
        if index == 1:
            blocks.append('<div class="ads">Advertisements</div>\n')
    breaking = " ".join(f'<a href="/{i}">{esc(ARTICLES[i]["title"])}</a>' for i in C.BREAKING)
    video = (
        '<section class="video-block"><div class="block-title"><h2>فيديو البوابة</h2>'
        '<a class="more" href="https://www.youtube.com/user/albawabhnews" target="_blank">المزيد</a></div>'
        '<div class="video-item"><a href="https://www.youtube.com/watch?v=q3Xh0cTfK2w" target="_blank">'
        '<img src="/images/placeholder.png" class="lazy" data-src="https://i.ytimg.com/vi/q3Xh0cTfK2w/hqdefault.jpg" alt="">'
        "<h3>جولة داخل المحطات الجديدة للخط الثالث للمترو</h3></a></div></section>\n"
    )
    main = f'<div class="breaking"><span class="label">عاجل</span> {breaking}</div>\n' + "".join(blocks) + video
    extra = (
        f'<link rel="canonical" href="{C.CANONICAL}/">\n'
        f'<meta property="og:title" content="{C.SITE_NAME}">\n'
        f'<meta property="og:url" content="{C.CANONICAL}/">\n'
        f'<meta property="og:image" content="{C.CANONICAL}/images/logo-share.png">\n'
        '<meta name="keywords" content="أخبار مصر,أخبار العالم,البوابة نيوز,أخبار عاجلة">\n'
    )
    desc = "البوابة نيوز: أخبار مصر والعالم على مدار الساعة، سياسة واقتصاد وحوادث ورياضة وفن."
    return head(f"{C.SITE_NAME} | أخبار مصر والعالم على مدار الساعة", desc, extra) + top(None) + layout(main, most_read) + footer()


def simple_page(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    main = f'<div class="static-page">\n<h1>{title}</h1>\n{body}\n</div>\n'
    return head(f"{title} - {C.SITE_NAME}", title) + top(None) + layout(main) + footer()


def not_found_page() -> str:
    main = (
        '<div class="error-page">\n<h1>404</h1>\n'
        "<p>عفوًا، الصفحة التي تبحث عنها غير موجودة أو ربما تم حذفها.</p>\n"
        '<p><a href="/">العودة إلى الصفحة الرئيسية</a></p>\n</div>\n'
    )
    return head(f"الصفحة غير موجودة - {C.SITE_NAME}", "الصفحة غير موجودة") + top(None) + layout(main) + footer()


# -- robots, feeds, sitemaps -------------------------------------------------------------------------


def robots() -> str:
    return f"""User-agent: *
Disallow: /search/
Disallow: /admin/

User-agent: CCBot
Disallow: /

Sitemap: {C.CANONICAL}/sitemaps.xml
"""


def feed(ids: list[str], title: str, path: str) -> str:
    """An RSS 2.0 channel of ``ids`` in the given order: RFC 822 ``pubDate`` with the Cairo offset of that
    date, canonical links. ``path`` is the feed's own path (``/rss.xml``, ``/rss/section/72``)."""
    items = []
    for aid in ids:
        article = ARTICLES[aid]
        assert not article.get("orphan"), f"orphan {aid} must not be in a feed"
        enclosure = (
            f'\n  <enclosure url="{full_image(article["lead"])}" type="image/jpeg" length="0"/>' if article["lead"] else ""
        )
        items.append(
            f"""<item>
  <title>{esc(article["title"])}</title>
  <link>{canonical(aid)}</link>
  <guid isPermaLink="true">{canonical(aid)}</guid>
  <pubDate>{rfc822(article["published"])}</pubDate>
  <category>{C.SECTIONS[article["section"]]}</category>
  <dc:creator>{writer_name(article)}</dc:creator>
  <description><![CDATA[{description(article)}]]></description>{enclosure}
</item>"""
        )
    last = max((ARTICLES[i]["published"] for i in ids), key=parse_iso)
    joined = "\n".join(items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{title}</title>
<link>{C.CANONICAL}/</link>
<description>آخر الأخبار من البوابة نيوز</description>
<language>ar</language>
<lastBuildDate>{rfc822(last)}</lastBuildDate>
<atom:link href="{C.CANONICAL}{path}" rel="self" type="application/rss+xml"/>
{joined}
</channel>
</rss>
"""


def rss(ids: list[str] | None = None) -> str:
    """``/rss.xml``: ``C.RSS_IDS`` unless the caller gives the list (the update edition)."""
    return feed(C.RSS_IDS if ids is None else ids, C.SITE_NAME, "/rss.xml")


def section_feed_ids(section: int) -> list[str]:
    """A section feed: every article of the section's listing pages (base edition), newest first; the
    missing article left out. Orphans are never listed, so they stay reachable only through read-also."""
    ids = dict.fromkeys(i for page in C.SECTION_PAGES[section] for i in page if i != C.MISSING_ARTICLE["id"])
    return sorted_by_date(list(ids))


def section_feeds() -> dict[str, str]:
    """``/rss/section/<n>`` for the built sections, ``/rss/<n>`` for the feeds others' code polls:
    ``/rss/1`` (عاجل, the breaking-news feed) and ``/rss/97`` (حوادث, the same items as its section feed)."""
    files = {}
    for section in C.SECTION_PAGES:
        files[f"rss/section/{section}.xml"] = feed(
            section_feed_ids(section), f"{C.SITE_NAME} - {C.SECTIONS[section]}", f"/rss/section/{section}"
        )
    files["rss/1.xml"] = feed(C.BREAKING_FEED_IDS, f"{C.SITE_NAME} - عاجل", "/rss/1")
    files["rss/97.xml"] = feed(section_feed_ids(97), f"{C.SITE_NAME} - {C.SECTIONS[97]}", "/rss/97")
    return files


def modified_or_published(article: dict) -> str:
    return article.get("ld_modified") or article["published"]


def sitemap_index(ids: list[str] | None = None) -> str:
    ids = C.NEWS_SITEMAP_IDS if ids is None else ids
    last = max((modified_or_published(ARTICLES[i]) for i in ids), key=instant)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap>
  <loc>{C.CANONICAL}/sitemap-news.xml</loc>
  <lastmod>{last}</lastmod>
</sitemap>
</sitemapindex>
"""


def sitemap_news(ids: list[str] | None = None) -> str:
    urls = []
    for aid in C.NEWS_SITEMAP_IDS if ids is None else ids:
        article = ARTICLES[aid]
        assert not article.get("orphan")
        image = (
            f"\n  <image:image><image:loc>{full_image(article['lead'])}</image:loc></image:image>"
            if article["lead"]
            else ""
        )
        urls.append(
            f"""<url>
  <loc>{canonical(aid)}</loc>
  <lastmod>{modified_or_published(article)}</lastmod>
  <news:news>
    <news:publication><news:name>{C.SITE_NAME}</news:name><news:language>ar</news:language></news:publication>
    <news:publication_date>{article["published"]}</news:publication_date>
    <news:title>{esc(article["title"])}</news:title>
  </news:news>{image}
</url>"""
        )
    joined = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{joined}
</urlset>
"""


# -- validators --------------------------------------------------------------------------------------


def instant(value: str) -> datetime:
    """An ISO date as written in the content (offset, ``Z`` or none = Cairo wall time), as an aware instant."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=CAIRO)


def http_date(value: str) -> str:
    return format_datetime(instant(value).astimezone(UTC), usegmt=True)


def last_modified(files: dict[str, str]) -> str:
    """``last-modified.json``: the ``Last-Modified`` the server sends for article pages (the article's
    modified date, else its publication date), feeds (their newest item) and sitemaps (their newest
    ``lastmod``). Read by the server, never served."""
    dates = {}
    for relpath in files:
        match = re.fullmatch(r"articles/(\d+)\.html", relpath)
        if match:
            dates[relpath] = http_date(modified_or_published(ARTICLES[match.group(1)]))
        elif relpath.endswith(".xml"):
            stamps = re.findall(r"<(?:lastBuildDate|lastmod)>([^<]+)<", files[relpath])
            moments = [parsedate_to_datetime(s) if "," in s else instant(s) for s in stamps]
            dates[relpath] = format_datetime(max(moments).astimezone(UTC), usegmt=True)
    return json.dumps(dict(sorted(dates.items())), indent=1) + "\n"


# -- main --------------------------------------------------------------------------------------------


def tag_pages() -> dict[str, list[list[str]]]:
    """Tag id -> pages of card ids: the listed (non-orphan) articles carrying the tag, newest first."""
    pages = {}
    for tag in sorted(C.TAGS):
        ids = sorted_by_date([a["id"] for a in C.ARTICLES if tag in a["tags"] and not a.get("orphan")])
        assert ids, f"tag {tag} would be empty"
        pages[tag] = [ids[i : i + C.TAG_PAGE_SIZE] for i in range(0, len(ids), C.TAG_PAGE_SIZE)]
    return pages


@contextmanager
def looked_up(articles: list[dict]):
    """While rendering an edition, ``ARTICLES`` (what cards, feeds and sitemaps look ids up in) holds its
    articles."""
    global ARTICLES
    saved = ARTICLES
    ARTICLES = {**saved, **{a["id"]: a for a in articles}}
    try:
        yield
    finally:
        ARTICLES = saved


def render(
    articles: list[dict],
    section_pages: dict[int, list[list[str]]],
    most_read: list[str],
    rss_ids: list[str],
    sitemap_ids: list[str],
) -> dict[str, str]:
    """Every file of one edition of the copy: relpath under the pages directory -> text. Article pages,
    tag pages, section feeds and the "more from" boxes always follow the base content (``C``); the
    arguments say what an edition changes."""
    files: dict[str, str] = {"home.html": home_page(most_read)}
    for section, pages in section_pages.items():
        name = C.SECTIONS[section]
        base = f"/category/{section}"
        for number, ids in enumerate(pages, 1):
            files[f"category/{section}/page-{number}.html"] = listing_page(
                name, name, breadcrumb(name, base), base, f"category/{section}/{number}", ids, number, len(pages), section,
                most_read,
            )
    for tag, pages in tag_pages().items():
        name = C.TAGS[tag]
        base = f"/tag/{tag}"
        for number, ids in enumerate(pages, 1):
            files[f"tag/{tag}/page-{number}.html"] = listing_page(
                name, name, breadcrumb(f"الكلمات المفتاحية: {name}", base), base, f"tag/{tag}/{number}", ids, number, len(pages), None,
                most_read,
            )
    for article in articles:
        files[f"articles/{article['id']}.html"] = article_page(article)
        if article.get("print"):
            files[f"print/{article['id']}.html"] = print_page(article)
    files["static/about.html"] = simple_page("من نحن", [
        "البوابة نيوز موقع إخباري مصري يقدم تغطية شاملة لأخبار مصر والعالم على مدار الساعة.",
        "يعمل في البوابة نيوز فريق من الصحفيين والمحررين في القاهرة والمحافظات.",
    ])
    files["static/contact-us.html"] = simple_page("اتصل بنا", [
        'للتواصل مع فريق التحرير: <a href="mailto:info@albawabhnews.com">info@albawabhnews.com</a>',
        "العنوان: القاهرة - جمهورية مصر العربية",
    ])
    files["404.html"] = not_found_page()
    files["robots.txt"] = robots()
    files["rss.xml"] = rss(rss_ids)
    files.update(section_feeds())
    files["sitemaps.xml"] = sitemap_index(sitemap_ids)
    files["sitemap-news.xml"] = sitemap_news(sitemap_ids)
    files[LAST_MODIFIED] = last_modified(files)
    return files


def render_base() -> dict[str, str]:
    return render(C.ARTICLES, C.SECTION_PAGES, C.MOST_READ, C.RSS_IDS, C.NEWS_SITEMAP_IDS)


def render_update() -> dict[str, str]:
    """The "update" edition in full (see ``content_update.py``): the base site some hours later."""
    from tests.site import content_update as U

    edited = U.edited_article(ARTICLES[U.EDITED])
    articles = [edited if a["id"] == U.EDITED else a for a in C.ARTICLES if a["id"] != U.GONE] + U.NEW_ARTICLES
    with looked_up(articles):
        return render(articles, U.section_pages(C.SECTION_PAGES), [U.N_SIDEBAR, *C.MOST_READ],
                      [U.N_RSS, *C.RSS_IDS], [U.N_SITEMAP, *C.NEWS_SITEMAP_IDS])


def write_tree(root: Path, files: dict[str, str]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for relpath, text in sorted(files.items()):
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def build() -> None:
    """Write ``pages/`` (the base edition) and ``pages-update/`` (the update edition as an overlay: the
    files that differ or are new, and ``deleted.txt`` listing the base files it no longer has)."""
    base = render_base()
    update = render_update()
    overlay = {relpath: text for relpath, text in update.items() if base.get(relpath) != text}
    deleted = sorted(set(base) - set(update))
    overlay[DELETED] = "".join(f"{relpath}\n" for relpath in deleted)
    write_tree(PAGES, base)
    write_tree(PAGES_UPDATE, overlay)


if __name__ == "__main__":
    build()
    for root in (PAGES, PAGES_UPDATE):
        print(f"wrote {sum(1 for p in root.rglob('*') if p.is_file())} files under {root.relative_to(HERE.parents[1])}")
