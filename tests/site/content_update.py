"""Hand-written content of the copy's "update" edition: the same site some hours later.

``build.py`` renders this edition in full and writes only what differs from the base edition to
``pages-update/`` (plus ``deleted.txt``); the server serves that overlay over ``pages/`` when
``server.edition = "update"``. Each change has one role, so a test can tell how a crawler found it:

=============  ========  =====================================================================================
role           id        where it is in the update edition, and nowhere else
=============  ========  =====================================================================================
``N_RSS``      5201178   the top item of ``/rss.xml``
``N_SITEMAP``  5201192   the top ``<url>`` of ``/sitemap-news.xml`` (``lastmod``, ``news:publication_date``,
                         ``news:title``)
``N_LISTING``  5201205   the new top ``div.item-card`` of ``/category/72`` page 1 (6 cards; pages 2 and 3 as
                         they were)
``N_SIDEBAR``  5201219   rank 1 of the "most read" sidebar of every listing page (home, sections, tags); article
                         pages keep the base sidebar
``EDITED``     4836421   a new last paragraph, ``article:modified_time`` and JSON-LD ``dateModified``
                         2025-05-10T21:10:00+03:00, newer ``lastmod`` in ``/sitemap-news.xml``
``GONE``       5034518   answers the site's 404 page; every link to it stays where it was
=============  ========  =====================================================================================

The new articles' ids are above the base copy's highest (5201153) and their dates later than every base
date (ids rise with time, SITE.md). Their pages link only pages of the base edition (the "more from" box
and the sidebar are the base ones), never one another. The texts are written for the test in the site's
style and are not real reports.
"""

N_RSS = "5201178"
N_SITEMAP = "5201192"
N_LISTING = "5201205"
N_SIDEBAR = "5201219"
EDITED = "4836421"
GONE = "5034518"

#: The edit of EDITED: a paragraph added at the end of its body, and the time of the edit.
EDITED_MODIFIED = "2025-05-10T21:10:00+03:00"
EDITED_PARAGRAPH = (
    "<p>وفي تحديث لاحق، أعلنت وزارة الصحة الإيطالية رفع حالة الإنذار الأحمر عن 4 مدن بعد تراجع طفيف في "
    "درجات الحرارة، مع إبقائها في 12 مدينة أخرى حتى نهاية الأسبوع.</p>\n"
)


def edited_article(article: dict) -> dict:
    """EDITED as the update edition shows it (the base dict is left alone)."""
    assert article["id"] == EDITED and article["jsonld"] == "valid"
    return {
        **article,
        "body": article["body"] + EDITED_PARAGRAPH,
        "ld_modified": EDITED_MODIFIED,
        "meta_modified": EDITED_MODIFIED,
    }


def section_pages(base: dict[int, list[list[str]]]) -> dict[int, list[list[str]]]:
    """The section listings of the update edition: N_LISTING on top of /category/72 page 1, nothing reflowed."""
    pages = {section: [list(page) for page in listing] for section, listing in base.items()}
    pages[72][0].insert(0, N_LISTING)
    return pages


# Fields as in content.ARTICLES (see the comment there); all four are typical base articles: valid JSON-LD
# (datePublished = dateModified), article:published_time, time[datetime] with offset, canonical, og:image,
# a lazy lead image, meta keywords and tags.
NEW_ARTICLES = [
    # N_RSS: only in /rss.xml ------------------------------------------------------------------------
    dict(
        id=N_RSS,
        section=1,
        title="محافظة القاهرة تفتح حديقة عامة جديدة بحي المعادي أمام الجمهور الأسبوع المقبل",
        writer=None,
        published="2025-05-10T17:20:00+03:00",
        date_text="السبت 10/مايو/2025 - 05:20 م",
        time_attr="2025-05-10T17:20:00+03:00",
        meta_published="2025-05-10T17:20:00+03:00",
        jsonld="valid",
        ld_published="2025-05-10T17:20:00+03:00",
        ld_modified="2025-05-10T17:20:00+03:00",
        canonical=True,
        og_image=True,
        lead="1262/3/114",
        lead_caption="جانب من أعمال تجهيز الحديقة",
        keywords="محافظة القاهرة,حديقة عامة,المعادي",
        tags=["3106"],
        body="""
<p>أعلنت محافظة القاهرة الانتهاء من أعمال تجهيز حديقة عامة جديدة بحي المعادي على مساحة 12 فدانًا، تمهيدًا لفتحها أمام الجمهور بداية الأسبوع المقبل.</p>
<p>وقال مصدر بالمحافظة إن الحديقة تضم مناطق مخصصة لألعاب الأطفال وممشى بطول كيلومتر ونصف، إلى جانب مسرح مكشوف لاستضافة الفعاليات الثقافية في المناسبات.</p>
<div class="ads">Advertisements</div>
<p>وأوضح المصدر أن رسوم الدخول ستكون رمزية، وأن الحديقة ستستقبل الزائرين يوميًا من التاسعة صباحًا حتى العاشرة مساءً.</p>
""",
    ),
    # N_SITEMAP: only in /sitemap-news.xml ------------------------------------------------------------
    dict(
        id=N_SITEMAP,
        section=97,
        title="ضبط سائق ميكروباص سار عكس الاتجاه على محور 26 يوليو بالجيزة",
        writer="217",
        published="2025-05-10T18:45:00+03:00",
        date_text="السبت 10/مايو/2025 - 06:45 م",
        time_attr="2025-05-10T18:45:00+03:00",
        meta_published="2025-05-10T18:45:00+03:00",
        jsonld="valid",
        ld_published="2025-05-10T18:45:00+03:00",
        ld_modified="2025-05-10T18:45:00+03:00",
        canonical=True,
        og_image=True,
        lead="1262/3/187",
        lead_caption="السائق المضبوط - أرشيفية",
        keywords="الجيزة,محور 26 يوليو,مخالفات المرور",
        tags=["4101", "4103"],
        body="""
<p>ضبطت الإدارة العامة للمرور سائق ميكروباص ظهر في مقطع مصور متداول على مواقع التواصل الاجتماعي وهو يسير عكس الاتجاه على محور 26 يوليو بنطاق محافظة الجيزة.</p>
<p>وبالفحص تبين أن السائق يحمل رخصة قيادة منتهية، وأن المركبة غير مرخصة، وتم التحفظ عليها وإيداعها الجراج المخصص لذلك.</p>
<div class="ads">Advertisements</div>
<p>وتحرر محضر بالواقعة، وأُحيل السائق إلى النيابة العامة التي تولت التحقيق.</p>
""",
    ),
    # N_LISTING: only on /category/72 page 1 -----------------------------------------------------------
    dict(
        id=N_LISTING,
        section=72,
        title="الاتحاد الأوروبي يبحث حزمة مساعدات جديدة لإعادة تأهيل شبكات الكهرباء في أوكرانيا",
        writer="512",
        published="2025-05-10T19:30:00+03:00",
        date_text="السبت 10/مايو/2025 - 07:30 م",
        time_attr="2025-05-10T19:30:00+03:00",
        meta_published="2025-05-10T19:30:00+03:00",
        jsonld="valid",
        ld_published="2025-05-10T19:30:00+03:00",
        ld_modified="2025-05-10T19:30:00+03:00",
        canonical=True,
        og_image=True,
        lead="1262/3/230",
        lead_caption="أعمال صيانة في محطة كهرباء - أرشيفية",
        keywords="الاتحاد الأوروبي,أوكرانيا,الكهرباء",
        tags=["2102", "2115"],
        body="""
<p>يبحث وزراء الطاقة في الاتحاد الأوروبي خلال اجتماعهم المقبل حزمة مساعدات جديدة مخصصة لإعادة تأهيل شبكات الكهرباء في أوكرانيا قبل حلول فصل الشتاء.</p>
<p>وتشمل الحزمة المقترحة توريد محولات ومولدات كهربائية، إلى جانب تمويل مشروعات صغيرة للطاقة الشمسية في المستشفيات والمدارس.</p>
<div class="ads">Advertisements</div>
<h2>خلافات حول التمويل</h2>
<p>ولم يتفق الوزراء بعد على حجم التمويل، إذ تطالب دول بتقاسم الأعباء وفق الناتج المحلي، بينما تفضل دول أخرى الاعتماد على قروض ميسرة.</p>
""",
    ),
    # N_SIDEBAR: only in the "most read" sidebar of every listing page ---------------------------------
    dict(
        id=N_SIDEBAR,
        section=1,
        title="التعليم العالي: فتح باب التقدم للمنح الدراسية المشتركة حتى نهاية الشهر",
        writer="341",
        published="2025-05-10T20:15:00+03:00",
        date_text="السبت 10/مايو/2025 - 08:15 م",
        time_attr="2025-05-10T20:15:00+03:00",
        meta_published="2025-05-10T20:15:00+03:00",
        jsonld="valid",
        ld_published="2025-05-10T20:15:00+03:00",
        ld_modified="2025-05-10T20:15:00+03:00",
        canonical=True,
        og_image=True,
        lead="1262/3/265",
        lead_caption="طلاب داخل إحدى الجامعات - أرشيفية",
        keywords="التعليم العالي,المنح الدراسية,الجامعات",
        tags=["3105"],
        body="""
<p>أعلنت وزارة التعليم العالي والبحث العلمي فتح باب التقدم للمنح الدراسية المشتركة مع عدد من الجامعات الأجنبية، على أن يستمر تلقي الطلبات حتى نهاية الشهر الجاري.</p>
<p>وأوضحت الوزارة في بيان أن المنح تشمل درجتي الماجستير والدكتوراه في تخصصات الهندسة والعلوم الطبية والزراعة.</p>
<div class="ads">Advertisements</div>
<p>وأشار البيان إلى أن التقدم يتم إلكترونيًا عبر البوابة الرسمية للوزارة، وأن نتائج الترشيح الأولي تعلن خلال شهر من غلق باب التقدم.</p>
""",
    ),
]
