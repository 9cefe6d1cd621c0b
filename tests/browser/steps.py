"""Steps every browser journey takes: signing in and out through the real form."""

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD,
            name: str | None = None) -> None:
    """Sign in on the login page; with `name`, wait until the header shows who is signed in."""
    page.goto(f"{base}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    if name is not None:
        expect(page.locator(".whoami")).to_contain_text(name)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", name="Вход в Shakirt")).to_be_visible()
