// The web console in real headless Chromium (playwright-core driving the
// browser at CHROMIUM) against the server at ASL_ENDPOINT, whose bindings make
// the `Approve` Task wait for its token and the `Flaky` Task fail (see
// test_console.py). Prints one line per check; exits non-zero at the first
// that fails. With ASL_SCREENSHOTS, saves the execution page there.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const endpoint = process.env.ASL_ENDPOINT;
const suffix = process.env.ASL_SUFFIX;
const screenshots = process.env.ASL_SCREENSHOTS;
const ROLE = "arn:aws:iam::123456789012:role/service-role/asl-tests";

async function api(action, body) {
  const response = await fetch(endpoint + "/", {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + action },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  assert.ok(response.ok, `${action}: ${JSON.stringify(answer)}`);
  return answer;
}

async function create(name, definition) {
  const created = await api("CreateStateMachine", { name: `${name}-${suffix}`, definition: JSON.stringify(definition), roleArn: ROLE });
  return created.stateMachineArn;
}

async function ended(executionArn) {
  for (let i = 0; i < 600; i++) {
    const described = await api("DescribeExecution", { executionArn });
    if (described.status !== "RUNNING") return described;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${executionArn} did not end`);
}

function check(what) {
  console.log("ok - " + what);
}

const approval = await create("approval", {
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Result: { order: 42 }, ResultPath: "$.prepared", Next: "Approve" },
    Approve: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/approvals", MessageBody: { "token.$": "$$.Task.Token" } },
      Next: "Done",
    },
    Done: { Type: "Succeed" },
  },
});
const flaky = await create("flaky", {
  StartAt: "Flaky",
  States: {
    Flaky: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "flaky" },
      Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Recover" }],
      Next: "Never",
    },
    Never: { Type: "Pass", End: true },
    Recover: { Type: "Pass", End: true },
  },
});
const fanOut = await create("fan-out", {
  StartAt: "Both",
  States: {
    Both: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Each",
          States: {
            Each: {
              Type: "Map",
              ItemsPath: "$.items",
              ItemProcessor: { StartAt: "Double", States: { Double: { Type: "Pass", End: true } } },
              End: true,
            },
          },
        },
        { StartAt: "Aside", States: { Aside: { Type: "Pass", End: true } } },
      ],
      End: true,
    },
  },
});
const evil = "<img src=x onerror=alert(1)>";
const hostile = await create("hostile", {
  StartAt: evil,
  States: { [evil]: { Type: "Pass", Result: { html: "<script>alert(2)</script>" }, End: true } },
});

const errors = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => errors.push(String(error)));

  // The list of machines, and a machine's page with its graph.
  await page.goto(endpoint + "/");
  await page.getByRole("link", { name: `approval-${suffix}` }).click();
  await page.locator('.graph svg [data-state="Approve"]').waitFor();
  check("the machine page draws the graph");

  // Start an execution from the form: the page goes to the execution.
  await page.getByLabel("Execution name").fill(`browser-${suffix}`);
  await page.getByLabel("Execution input").fill('{"customer": "ada"}');
  await page.getByRole("button", { name: "Start execution" }).click();
  await page.waitForURL(/#\/execution\//, { timeout: 240000 });
  const executionArn = decodeURIComponent(page.url().split("#/execution/")[1]);
  assert.ok(executionArn.endsWith(`:browser-${suffix}`), executionArn);
  check("the form starts an execution and shows it");

  // The states are colored as they run, without reloading.
  await page.locator('[data-state="Prepare"].succeeded').waitFor();
  await page.locator('[data-state="Approve"].running').waitFor();
  assert.equal(await page.locator('[data-state="Done"]').getAttribute("data-status"), "not-reached");
  const fill = await page.locator('[data-state="Prepare"] > rect').evaluate((rect) => getComputedStyle(rect).fill);
  assert.equal(fill, "rgb(187, 247, 208)");
  check("Prepare is colored succeeded and Approve running while it waits");

  // A click on a state shows its input and output.
  await page.locator('[data-state="Prepare"]').click();
  const detail = page.locator("#state-detail");
  await detail.getByText('"customer": "ada"').first().waitFor();
  await detail.getByText('"order": 42').waitFor();
  check("a click on Prepare shows its input and output");

  // The callback waits on the page; approving it ends the execution.
  const callback = page.locator('[data-callback="Approve"]');
  await callback.waitFor();
  await callback.getByLabel("Output for Approve").fill('{"approved": true, "by": "browser"}');
  await callback.getByRole("button", { name: "Approve" }).click();
  await page.locator('h1 .badge.SUCCEEDED').waitFor();
  await page.locator('[data-state="Approve"].succeeded').waitFor();
  await page.locator('[data-state="Done"].succeeded').waitFor();
  const described = await ended(executionArn);
  assert.equal(described.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(described.output), { approved: true, by: "browser" });
  await page.locator('#history tr[data-event="ExecutionSucceeded"]').waitFor();
  assert.equal(await page.locator('[data-callback]').count(), 0);
  check("Approve from the page: the execution succeeds with the output sent");
  if (screenshots) await page.screenshot({ path: `${screenshots}/console-execution.png`, fullPage: true });

  // The executions of the machine: filtered by status and searched by name.
  await page.goto(endpoint + "/#/machine/" + encodeURIComponent(approval));
  await page.getByRole("link", { name: `browser-${suffix}` }).waitFor();
  await page.getByLabel("Status").selectOption("FAILED");
  await page.getByText("No execution.").waitFor();
  await page.getByLabel("Status").selectOption("SUCCEEDED");
  await page.getByRole("link", { name: `browser-${suffix}` }).waitFor();
  await page.getByLabel("Search by name").fill("nothing-like-it");
  await page.getByText("No execution.").waitFor();
  check("the execution list filters by status and searches by name");

  // A retried and caught Task.
  const { executionArn: flakyRun } = await api("StartExecution", { stateMachineArn: flaky, name: `flaky-${suffix}` });
  await page.goto(endpoint + "/#/execution/" + encodeURIComponent(flakyRun));
  await page.locator('[data-state="Recover"].succeeded').waitFor();
  await page.locator('[data-state="Flaky"].caught').waitFor();
  assert.equal(await page.locator('[data-state="Flaky"] .attempts').textContent(), "attempt 2");
  assert.equal(await page.locator('[data-state="Never"]').getAttribute("data-status"), "not-reached");
  await page.locator('[data-state="Flaky"]').click();
  await detail.locator(".error-name").first().waitFor();
  check("a Task retried then caught is colored caught with its attempts, its error shown");

  // A Parallel's branches and a Map's iterations.
  const { executionArn: fanOutRun } = await api("StartExecution", { stateMachineArn: fanOut, input: '{"items": [1, 2, 3]}' });
  await ended(fanOutRun);
  await page.goto(endpoint + "/#/execution/" + encodeURIComponent(fanOutRun));
  for (const name of ["Both", "Each", "Double", "Aside"]) await page.locator(`[data-state="${name}"].succeeded`).waitFor();
  // On the Map's own header, not on the states drawn inside it.
  await page.locator('[data-state="Each"]').click({ position: { x: 12, y: 8 } });
  await detail.locator("tr", { hasText: "#2" }).getByRole("link", { name: "Double" }).click();
  await detail.getByRole("heading", { name: "Double" }).waitFor();
  assert.equal(await detail.getByText("Each iteration", { exact: false }).count(), 3);
  check("the states of a Parallel's branches and a Map's iterations are colored, each iteration listed");

  // Hostile names and outputs stay text.
  const { executionArn: hostileRun } = await api("StartExecution", { stateMachineArn: hostile });
  await ended(hostileRun);
  await page.goto(endpoint + "/#/execution/" + encodeURIComponent(hostileRun));
  const state = page.locator(`[data-state="${evil}"]`);
  await state.waitFor();
  await state.click();
  await detail.getByText("<script>alert(2)</script>").waitFor();
  assert.ok((await page.locator(".graph svg").textContent()).includes(evil));
  assert.equal(await page.locator("img").count(), 0);
  assert.equal(await page.locator("main script").count(), 0);
  assert.deepEqual(dialogs, []);
  check("a state named <img src=x onerror=alert(1)> and a <script> output render as text");

  // A phone-sized screen: nothing wider than the screen but the graph, which scrolls.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(endpoint + "/#/execution/" + encodeURIComponent(executionArn));
  await phone.locator('[data-state="Done"].succeeded').waitFor();
  const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `the page is ${widths[0]}px wide on a ${widths[1]}px screen`);
  if (screenshots) await phone.screenshot({ path: `${screenshots}/console-phone.png` });
  check("the execution page fits a phone-sized screen");

  assert.deepEqual(errors, []);
  check("no script error");
} catch (error) {
  console.error("script errors on the page:", errors);
  throw error;
} finally {
  await browser.close();
}
