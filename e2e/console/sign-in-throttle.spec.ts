import { expect, test } from "@playwright/test";

/** Five wrong passwords for one email from one address lock it, and the form says for how long (the counts live in the database, for every replica). */
test("sign-in: the sixth attempt after five failures is refused with the time to wait", async ({ page }) => {
  const email = `locked-${Date.now()}@e2e.test`;
  await page.goto("/login");
  for (let attempt = 1; attempt <= 6; attempt++) {
    // The form is hydrated and idle (the previous answer rendered, React reset the fields) before it is filled:
    // filling while a reset is still pending would submit an empty, natively invalid form that never posts.
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
    await expect(page.getByLabel("Password")).toHaveValue("");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-password-${attempt}`);
    // One submission at a time: the form's answer arrives before the next try.
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/login"),
      page.getByRole("button", { name: "Sign in", exact: true }).click(),
    ]);
    const expected = attempt <= 5 ? "Invalid email or password" : /^Too many failed sign-ins for this email\. Try again in 1[45] minutes\.$/;
    await expect(page.getByTestId("login-error")).toHaveText(expected);
  }
});
