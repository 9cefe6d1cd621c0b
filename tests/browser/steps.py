"""Steps every browser journey takes: signing in and out through the real form, and using the
menu (on a phone it sits behind the "Меню" button, on a desk it is one row)."""

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD

# One demo account of each role: the sweeps over every menu page sign in as each.
DEMO_ACCOUNTS = [
    "admin@shakirt.kz",
    "coordinator@shakirt.kz",
    "employer@shakirt.kz",
    "mentor@shakirt.kz",
    "student@shakirt.kz",
]


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD,
            name: str | None = None) -> None:
    """Sign in on the login page; with `name`, wait until the header knows who is signed in."""
    page.goto(f"{base}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    if name is not None:
        expect(page.locator(".whoami")).to_contain_text(name)


def open_account_menu(page: Page) -> None:
    """Open the header's menu (the <details> disclosure), if it is not open yet."""
    menu = page.locator("details.account")
    if menu.get_attribute("open") is None:
        page.locator("summary.account__toggle").click()
    expect(page.locator(".whoami")).to_be_visible()


def open_menu(page: Page, item: str) -> None:
    """Follow a menu entry, the way a person would at the page's width."""
    page.wait_for_load_state()  # decide on the page that is there, not the one being left
    desk = page.locator(".menu--desk").get_by_role("link", name=item, exact=True)
    if desk.is_visible():
        desk.click()
        return
    open_account_menu(page)  # a phone: the entries are behind the menu button
    page.locator(".menu--phone").get_by_role("link", name=item, exact=True).click()


def menu_urls(page: Page) -> list[str]:
    """Every place the signed-in user's header leads to: the menu entries and notifications."""
    hrefs = page.locator(".menu--phone a, a.topbar__notifications").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    return list(dict.fromkeys(hrefs))


def sign_out(page: Page) -> None:
    open_account_menu(page)
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", name="Вход в Shakirt")).to_be_visible()
