"""Issue #17, session 4 (#17c): sign-in steps without a password field, and a page that asks the reader
to sign in, inside a site's full chrome — and the pages beside them that must stay documents (a
newsletter sign-up, a contact form, a help page about signing in, an article with a sign-in box).

The real pages (fixtures/errorpages: uswds-usa-sign-in-multiple, s3-flask-appbuilder-login, the
MediaWiki, DokuWiki and Trac pages recorded by tools/serve_wiki_chrome.py) are judged by
tests/test_errorpages.py; these are the shapes no real page on file has yet, built from what the
identity providers' first steps carry (GOV.UK One Login: 'Enter your email address to sign in to
your GOV.UK One Login', one email field, Continue; Microsoft/Google: 'Sign in', one field, Next)."""
import pytest

from archivecheck.judge import judge_document, read_page

ARTICLE = " ".join(["The council publishes its annual report each summer, setting out what it spent and why."] * 8)


def page(main: str, title: str = "Records Office") -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            "<header><a href='/'>Records Office</a> <a href='/login'>Sign in</a></header>"
            "<nav><a href='/'>Home</a> <a href='/reports'>Reports</a> <a href='/about'>About us</a> <a href='/contact'>Contact</a></nav>"
            f"<main>{main}</main>"
            "<footer><a href='/privacy'>Privacy</a> <a href='/cookies'>Cookies</a> <a href='/accessibility'>Accessibility statement</a>"
            " © Records Office</footer></body></html>").encode()


def judge(body: bytes):
    return judge_document("https://example.gov.uk/reports/annual-report-2019", body, body, "text/html")


SIGN_IN_STEPS = {
    "username-first": page("<h1>Sign in</h1><form method='post' action='/login'><label for='u'>Email, phone, or username</label>"
                           "<input id='u' name='loginfmt' type='email'><a href='/help'>Can't access your account?</a>"
                           "<button type='submit'>Next</button></form>", "Sign in to your account"),
    "one-login-email": page("<form method='post' action='/enter-email'><h1><label for='email'>Enter your email address to sign in to"
                            " your GOV.UK One Login</label></h1><input id='email' name='email' type='email' autocomplete='email'>"
                            "<button class='govuk-button'>Continue</button></form>"),
    "identity-provider-buttons": page("<h1>Log in to Records Office</h1><p>Choose how to sign in.</p>"
                                      "<a class='button' href='/auth/microsoft'>Sign in with Microsoft</a>"
                                      "<a class='button' href='/auth/google'>Sign in with Google</a>"),
    "please-log-in": page("<h1>Annual report 2019</h1><p>Please log in to view this page.</p>"),
}


@pytest.mark.parametrize("name", sorted(SIGN_IN_STEPS))
def test_a_sign_in_step_is_not_the_document(name):
    j = judge(SIGN_IN_STEPS[name])
    assert not j.fits, name
    assert j.family in {"sign-in-step", "wiki-access-required"}, (name, j.family)


STAYS_A_DOCUMENT = {
    "newsletter-sign-up": page("<h1>Get email updates</h1><p>Tell us your email address and we will send you new reports.</p>"
                               "<form action='/subscribe'><input type='email' name='email'><button>Subscribe</button></form>"),
    "contact-form": page("<h1>Contact us</h1><form action='/contact'><input name='name'><input type='email' name='email'>"
                         "<textarea name='message'></textarea><button>Send</button></form>"),
    "help-about-signing-in": page("<h1>How to sign in</h1><p>To sign in, go to the sign-in page and enter the email address you"
                                  " registered with. We will then ask for your password. If you have forgotten it, use the reset"
                                  " link on that page.</p><p>If your account is locked, contact the records team.</p>"),
    "article-with-sign-in-box": page(f"<h1>Annual report 2019</h1><p>{ARTICLE}</p><div class='sidebar'><h2>Sign in</h2>"
                                     "<form action='/login'><input name='username'><button>Log in</button></form></div>"),
    "article-asking-for-comments": page(f"<h1>Annual report 2019</h1><p>{ARTICLE}</p><h2>Comments</h2>"
                                        "<p>You must be logged in to post a comment.</p>"),
    "search-page": page("<h1>Sign in or search</h1><form role='search' action='/search'><input type='search' name='q'>"
                        "<button>Search</button></form>"),
}


@pytest.mark.parametrize("name", sorted(STAYS_A_DOCUMENT))
def test_pages_beside_a_sign_in_stay_documents(name):
    assert judge(STAYS_A_DOCUMENT[name]).fits, name


def test_what_the_sign_in_form_is():
    assert read_page(SIGN_IN_STEPS["username-first"]).sign_in == "identifier"
    assert read_page(SIGN_IN_STEPS["identity-provider-buttons"]).sign_in == "sso"
    assert read_page(STAYS_A_DOCUMENT["newsletter-sign-up"]).sign_in == ""
    assert read_page(STAYS_A_DOCUMENT["contact-form"]).sign_in == ""
    # the header's "Sign in" link is the site's chrome, not a sign-in step
    assert read_page(STAYS_A_DOCUMENT["help-about-signing-in"]).sign_in == ""


# The main region of a CMS's or wiki's error page in full chrome, in the software's own words (the
# sources named in errorpages.toml's #17c section), under a title that is only the site's name: what
# the main region says must be enough.
IN_CHROME = {
    "drupal-not-found": "<h1>Page not found</h1><p>The requested page could not be found.</p>",
    "drupal-access-denied": "<h1>Access denied</h1><p>You are not authorized to access this page.</p>",
    "wordpress-twentysixteen": ("<section><header><h1>Oops! That page can\u2019t be found.</h1></header>"
                                "<div><p>It looks like nothing was found at this location. Maybe try a search?</p></div></section>"),
    "wordpress-twentytwentyone": "<h1>Nothing here</h1><p>It looks like nothing was found at this location. Maybe try a search?</p>",
    "plone": "<h1>We're sorry, but that page doesn't exist\u2026</h1>",
    "confluence-permission": "<h1>You don't have permission to view this page</h1><p>This is because it's inheriting restrictions from a parent page.</p>",
    "sharepoint-not-shared": "<h1>Sorry, this site hasn't been shared with you.</h1>",
    "moodle-course-hidden": "<p>This course is currently unavailable to students</p><a href='/'>Continue</a>",
    "mediawiki-login-required": "<h1>Login required</h1><p>Please log in to view other pages.</p>",
    "devise-unauthenticated": "<h1>Annual report 2019</h1><p>You need to sign in or sign up before continuing.</p>",
    "paid-memberships-pro": "<h1>Annual report 2019</h1><p>This content is for members only.</p><p><a href='/login'>Log in</a> <a href='/join'>Join Now</a></p>",
    "dokuwiki-once-existed": ("<h1>This page does not exist anymore</h1><p>You've followed a link to a page that no longer exists."
                              " You can check the list of old revisions to see when and why it was deleted.</p>"),
}


@pytest.mark.parametrize("name", sorted(IN_CHROME))
def test_an_error_in_the_main_region_of_full_chrome_is_broken(name):
    assert not judge(page(IN_CHROME[name])).fits, name
