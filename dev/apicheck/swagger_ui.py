"""Swagger UI in a real (headless) Chromium: authorize with the bearer token, run one call,
check the status the UI shows, keep a screenshot.

    swagger_ui.py BASE_URL SCREENSHOT        token from $CEPHFLOW_BROWSER_TOKEN
    env: CEPHFLOW_BROWSER_EXPECT (default 200), CEPHFLOW_BROWSER_PATH (default /api/v1/images)

Exits 0 when the UI shows the expected status, 1 when it shows another, 2 when the page did
not work at all.
"""
import os
import sys
import tempfile

from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright

CHROMIUM = os.environ.get("CEPHFLOW_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> int:
    base, shot = sys.argv[1].rstrip("/"), sys.argv[2]
    token = os.environ["CEPHFLOW_BROWSER_TOKEN"]
    expect = os.environ.get("CEPHFLOW_BROWSER_EXPECT", "200")
    path = os.environ.get("CEPHFLOW_BROWSER_PATH", "/api/v1/images")
    with tempfile.TemporaryDirectory(prefix="cephflow-chromium-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=ARGS,
                                                   viewport={"width": 1280, "height": 1400})
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.set_default_timeout(30_000)
        # loopback only: anything else the page asks for is refused
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else route.abort())
        step = "load"
        try:
            page.goto(base + "/swagger-ui.html")
            page.wait_for_selector(".opblock-summary", timeout=60_000)
            step = "authorize"
            page.click("button.authorize")
            page.fill(".modal-ux input[type=text], .modal-ux input[type=password]", token)
            page.click(".modal-ux .auth-btn-wrapper button.authorize")
            page.locator(".modal-ux .auth-container h6", has_text="Authorized").wait_for()  # the UI took it
            page.click(".modal-ux button.btn-done")
            step = f"GET {path}"
            op = page.locator(".opblock-get").filter(
                has=page.locator(f'.opblock-summary-path[data-path="{path}"]')).first
            op.locator(".opblock-summary").first.click()
            if op.locator("button.execute").count() == 0:
                op.locator("button.try-out__btn").click()
            op.locator("button.execute").click()
            status_cell = op.locator(".live-responses-table .response .response-col_status").first
            status_cell.wait_for()
            shown = status_cell.inner_text().strip().split()[0]
            op.locator(".live-responses-table").first.scroll_into_view_if_needed()
            page.screenshot(path=shot, mask=[page.locator(".curl-command")])  # it shows the token
        except PlaywrightTimeout as e:
            page.screenshot(path=shot, full_page=True, mask=[page.locator(".curl-command")])
            print(f"api-browser: Swagger UI did not get through '{step}': {e}",
                  file=sys.stderr)
            ctx.close()
            return 2
        ctx.close()
    ok = shown == expect
    print(f"api-browser: Swagger UI authorized in its dialog, ran GET {path}: shows {shown} (expected {expect}): "
          f"{'OK' if ok else 'FAIL'}; screenshot {shot}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
