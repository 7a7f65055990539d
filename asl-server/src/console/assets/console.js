// The asl console. Every view is drawn from the Step Functions API (POST / with
// X-Amz-Target, as any SDK calls it) and from the console's own routes:
// /console/graph (a definition as SVG), /console/events (an execution's history
// as server-sent events) and /console/callbacks (the task tokens it waits for).
//
// User values only ever reach the page as text (textContent, attribute values),
// never as markup; the graph's SVG is escaped by the server.
"use strict";

// ---------------------------------------------------------------------------
// The API and the page.

/** Calls a Step Functions action; throws an Error naming AWS's exception. */
async function api(action, body) {
  const response = await fetch("/", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": "AWSStepFunctions." + action,
    },
    body: JSON.stringify(body || {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(answer.__type || response.status).split("#").pop();
    throw new Error(type + ": " + (answer.message || answer.Message || ""));
  }
  return answer;
}

/** Every page of a List action: `key` names the list in its answers. */
async function listAll(action, body, key, pages = 10) {
  const items = [];
  let nextToken;
  for (let page = 0; page < pages; page++) {
    const answer = await api(action, Object.assign({}, body, nextToken ? { nextToken } : {}));
    items.push(...(answer[key] || []));
    nextToken = answer.nextToken;
    if (!nextToken) break;
  }
  return items;
}

/**
 * An element: `h("a", {href: "#/"}, "text", child)`. Strings become text nodes;
 * attributes starting with "on" are listeners.
 */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const view = () => document.getElementById("view");

/** Replaces the view's content. */
function show(...children) {
  const main = view();
  main.replaceChildren();
  append(main, children);
}

function fail(error) {
  return h("p", { class: "error", role: "alert" }, String(error.message || error));
}

function badge(status, text) {
  return h("span", { class: "badge " + status }, text || status);
}

function when(seconds) {
  if (seconds === undefined || seconds === null) return "";
  const date = typeof seconds === "number" ? new Date(seconds * 1000) : new Date(seconds);
  return date.toLocaleString();
}

/** JSON text pretty-printed when it parses. */
function pretty(text) {
  if (text === undefined || text === null) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return String(text);
  }
}

function code(text) {
  return h("pre", {}, pretty(text));
}

function link(hash, text) {
  return h("a", { href: hash }, text);
}

function machinePage(arn) {
  return "#/machine/" + encodeURIComponent(arn);
}

function executionPage(arn) {
  return "#/execution/" + encodeURIComponent(arn);
}

/** The machine's graph as an SVG element, or a message why there is none. */
async function graphOf(definition, name, type) {
  const response = await fetch(
    "/console/graph?name=" + encodeURIComponent(name) + "&type=" + encodeURIComponent(type || "STANDARD"),
    { method: "POST", body: definition },
  );
  const text = await response.text();
  if (!response.ok) return h("p", { class: "error" }, text);
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  return document.importNode(parsed.documentElement, true);
}

// ---------------------------------------------------------------------------
// Routing: #/, #/machine/ARN, #/execution/ARN.

let leave = () => {};

async function route() {
  leave();
  leave = () => {};
  const [, kind, arn] = location.hash.match(/^#\/(machine|execution)\/(.+)$/) || [];
  try {
    if (kind === "machine") await machineView(decodeURIComponent(arn));
    else if (kind === "execution") await executionView(decodeURIComponent(arn));
    else await machinesView();
  } catch (error) {
    show(fail(error));
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);

// ---------------------------------------------------------------------------
// State machines.

async function machinesView() {
  const machines = await listAll("ListStateMachines", { maxResults: 1000 }, "stateMachines");
  show(
    h("h1", {}, "State machines"),
    machines.length === 0
      ? h("p", { class: "muted" }, "No state machine yet: create one with CreateStateMachine (aws stepfunctions create-state-machine, boto3, any SDK).")
      : h("div", { class: "panel scroll" }, h("table", {},
          h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Type"), h("th", { class: "hide-narrow" }, "Created"))),
          h("tbody", {}, machines.map((machine) =>
            h("tr", {},
              h("td", {}, link(machinePage(machine.stateMachineArn), machine.name)),
              h("td", {}, machine.type),
              h("td", { class: "hide-narrow" }, when(machine.creationDate))))))),
  );
}

async function machineView(arn) {
  const machine = await api("DescribeStateMachine", { stateMachineArn: arn });
  const [versions, aliases, graph] = await Promise.all([
    listAll("ListStateMachineVersions", { stateMachineArn: arn, maxResults: 1000 }, "stateMachineVersions").catch(() => []),
    listAll("ListStateMachineAliases", { stateMachineArn: arn, maxResults: 100 }, "stateMachineAliases").catch(() => []),
    graphOf(machine.definition, machine.name, machine.type),
  ]);
  const executions = h("div", {});
  show(
    h("h1", {}, machine.name),
    h("dl", { class: "kv panel" },
      h("dt", {}, "ARN"), h("dd", {}, machine.stateMachineArn),
      h("dt", {}, "Type"), h("dd", {}, machine.type),
      h("dt", {}, "Created"), h("dd", {}, when(machine.creationDate))),
    startForm(machine),
    h("h2", {}, "Executions"),
    executions,
    h("h2", {}, "Graph"),
    h("div", { class: "graph" }, graph),
    h("h2", {}, "Definition"),
    code(machine.definition),
    h("h2", {}, "Versions"),
    versions.length === 0
      ? h("p", { class: "muted" }, "No published version.")
      : h("ul", {}, versions.map((version) => h("li", {}, version.stateMachineVersionArn, " ", h("span", { class: "muted" }, when(version.creationDate))))),
    h("h2", {}, "Aliases"),
    aliases.length === 0
      ? h("p", { class: "muted" }, "No alias.")
      : h("ul", {}, aliases.map((alias) => h("li", {}, alias.stateMachineAliasArn))),
  );
  await executionList(executions, arn);
}

/** The form that starts an execution of `machine`. */
function startForm(machine) {
  const name = h("input", { type: "text", name: "name", placeholder: "name (optional)", "aria-label": "Execution name" });
  const input = h("textarea", { name: "input", "aria-label": "Execution input" }, "{}");
  const message = h("div", {});
  const form = h("form", { class: "panel", onsubmit: async (event) => {
    event.preventDefault();
    message.replaceChildren();
    const request = { stateMachineArn: machine.stateMachineArn, input: input.value };
    if (name.value.trim()) request.name = name.value.trim();
    try {
      if (machine.type === "EXPRESS") {
        const done = await api("StartSyncExecution", request);
        message.append(h("p", {}, badge(done.status)), code(done.output || done.cause || ""));
      } else {
        const started = await api("StartExecution", request);
        location.hash = executionPage(started.executionArn);
      }
    } catch (error) {
      message.append(fail(error));
    }
  } },
    h("strong", {}, "Start an execution"),
    h("div", { class: "row" }, name),
    input,
    h("div", { class: "row" }, h("button", { type: "submit" }, "Start execution")),
    message);
  return form;
}

const STATUSES = ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

/** The executions of a machine (or a Map run), with a status filter and a search by name. */
async function executionList(into, arn, mapRun) {
  const status = h("select", { "aria-label": "Status" }, STATUSES.map((value) => h("option", { value }, value || "Any status")));
  const search = h("input", { type: "text", placeholder: "Search by name", "aria-label": "Search by name" });
  const table = h("div", { class: "scroll" });
  let executions = [];
  const draw = () => {
    const text = search.value.trim().toLowerCase();
    const shown = executions.filter((execution) => execution.name.toLowerCase().includes(text));
    table.replaceChildren(shown.length === 0
      ? h("p", { class: "muted" }, "No execution.")
      : h("table", {},
          h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Status"), h("th", { class: "hide-narrow" }, "Started"), h("th", { class: "hide-narrow" }, "Stopped"))),
          h("tbody", {}, shown.map((execution) => h("tr", {},
            h("td", {}, link(executionPage(execution.executionArn), execution.name)),
            h("td", {}, badge(execution.status)),
            h("td", { class: "hide-narrow" }, when(execution.startDate)),
            h("td", { class: "hide-narrow" }, when(execution.stopDate)))))));
  };
  const load = async () => {
    const request = mapRun ? { mapRunArn: mapRun } : { stateMachineArn: arn };
    if (status.value) request.statusFilter = status.value;
    try {
      executions = await listAll("ListExecutions", Object.assign(request, { maxResults: 1000 }), "executions");
      draw();
    } catch (error) {
      table.replaceChildren(fail(error));
    }
  };
  status.addEventListener("change", load);
  search.addEventListener("input", draw);
  into.replaceChildren(h("div", { class: "panel" }, h("div", { class: "row" }, status, search), table));
  await load();
}

// ---------------------------------------------------------------------------
// What happened to each state, from the history.

const FAILURES = /(Failed|TimedOut)$/;
const NOT_STATE_FAILURES = /^(Execution|MapIteration|MapRun|ParallelState|MapState)/;

/**
 * The states of one execution as its history tells them: every entry into a
 * state is a visit, which the events after it belong to (found by following
 * each event's previousEventId); a visit inside a Map belongs to the iteration
 * whose end comes next, as the history writes each iteration's events before it.
 */
class Story {
  constructor() {
    this.events = [];
    this.byId = new Map();
    this.visits = [];
    this.owner = new Map(); // event id -> visit
    this.unplaced = []; // visits inside a Map, their iteration not known yet
    this.ended = null; // the execution's closing event type
  }

  /** Adds the next event of the history. */
  add(event) {
    if (this.byId.has(event.id)) return;
    this.events.push(event);
    this.byId.set(event.id, event);
    const previous = event.previousEventId;
    const type = event.type;
    let owner = this.owner.get(previous);
    if (/^MapIteration(Succeeded|Failed|Aborted)$/.test(type)) {
      // An iteration's events come before its end: the visits since belong to it.
      const details = Object.entries(event).find(([key]) => key.endsWith("EventDetails"))[1];
      for (const visit of this.unplaced) visit.iteration = { map: details.name, index: details.index };
      this.unplaced = [];
    }
    if (event.stateEnteredEventDetails) {
      const from = this.byId.get(previous);
      if (from && FAILURES.test(from.type) && owner && owner.open) {
        // Entered from a failure: the state that failed caught it.
        owner.open = false;
        owner.caught = true;
      }
      const visit = {
        name: event.stateEnteredEventDetails.name,
        kind: type.replace(/StateEntered$/, ""),
        input: event.stateEnteredEventDetails.input,
        output: undefined,
        error: undefined,
        cause: undefined,
        attempts: 0,
        failures: 0,
        failed: type === "FailStateEntered",
        open: true,
        caught: false,
        iteration: undefined,
        entered: event.id,
      };
      if (visit.kind === "Fail") visit.open = false;
      if (this.visits.some((one) => one.open && one.kind === "Map")) this.unplaced.push(visit);
      this.visits.push(visit);
      owner = visit;
    } else if (event.stateExitedEventDetails) {
      const name = event.stateExitedEventDetails.name;
      const visit = owner && owner.name === name && owner.open ? owner : this.openVisit(name);
      if (visit) {
        // Exited after a failure that no retry followed: a catcher caught it.
        visit.caught = visit.failed;
        visit.open = false;
        visit.failed = false;
        visit.output = event.stateExitedEventDetails.output;
        owner = visit;
      }
    } else if (/^(Map|Parallel)State(Failed|Aborted)$/.test(type)) {
      owner = this.openVisit(null, type.startsWith("Map") ? "Map" : "Parallel") || owner;
      if (owner) owner.failed = true;
    } else if (owner && /Scheduled$/.test(type)) {
      owner.attempts += 1;
      owner.failed = false;
    } else if (owner && FAILURES.test(type) && !NOT_STATE_FAILURES.test(type)) {
      const details = Object.entries(event).find(([key]) => key.endsWith("EventDetails"));
      owner.failures += 1;
      owner.failed = true;
      if (details) {
        owner.error = details[1].error;
        owner.cause = details[1].cause;
      }
    }
    if (/^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(type)) this.ended = type;
    if (type === "ExecutionFailed" || type === "ExecutionTimedOut" || type === "ExecutionAborted") {
      for (const visit of this.visits) if (visit.open) visit.failed = true;
    }
    if (owner) this.owner.set(event.id, owner);
  }

  /** The last visit still open of state `name` (or of a state of `kind`). */
  openVisit(name, kind) {
    for (let i = this.visits.length - 1; i >= 0; i--) {
      const visit = this.visits[i];
      if (visit.open && (name === null ? visit.kind === kind : visit.name === name)) return visit;
    }
    return undefined;
  }

  /** What happened to one visit: running, succeeded, failed, caught or retried. */
  static status(visit, ended) {
    if (visit.caught) return "caught";
    if (visit.failed || (visit.open && ended)) return "failed";
    if (visit.open) return "running";
    if (visit.failures > 0) return "retried";
    return "succeeded";
  }

  /** The visits of state `name`. */
  visitsOf(name) {
    return this.visits.filter((visit) => visit.name === name);
  }

  /** What the graph shows for state `name`, and its attempts. */
  summary(name) {
    const visits = this.visitsOf(name);
    if (visits.length === 0) return null;
    const statuses = visits.map((visit) => Story.status(visit, this.ended));
    const status = ["running", "failed", "caught", "retried", "succeeded"].find((one) => statuses.includes(one));
    const attempts = Math.max(...visits.map((visit) => visit.attempts));
    return { status, attempts, visits: visits.length };
  }
}

// ---------------------------------------------------------------------------
// An execution.

const STATE_CLASSES = ["running", "succeeded", "failed", "caught", "retried"];

async function executionView(arn) {
  const execution = await api("DescribeExecution", { executionArn: arn });
  const machine = await api("DescribeStateMachineForExecution", { executionArn: arn });
  const described = await api("DescribeStateMachine", { stateMachineArn: execution.stateMachineArn }).catch(() => ({ type: "STANDARD" }));
  const graph = await graphOf(machine.definition, machine.name, described.type);
  const story = new Story();
  let selected = null;

  const header = h("div", {});
  const detail = h("div", { class: "panel", id: "state-detail" }, h("p", { class: "muted" }, "Click a state to see its input and output."));
  const callbacks = h("div", { id: "callbacks" });
  const history = h("div", { class: "panel scroll", id: "history" });
  const states = Array.from(graph.querySelectorAll ? graph.querySelectorAll("[data-state]") : []);

  const drawHeader = (current) => {
    header.replaceChildren(
      h("h1", {}, current.name, " ", badge(current.status)),
      h("dl", { class: "kv panel" },
        h("dt", {}, "State machine"), h("dd", {}, link(machinePage(execution.stateMachineArn), machine.name)),
        h("dt", {}, "ARN"), h("dd", {}, current.executionArn),
        h("dt", {}, "Started"), h("dd", {}, when(current.startDate)),
        current.stopDate ? [h("dt", {}, "Stopped"), h("dd", {}, when(current.stopDate))] : [],
        current.error ? [h("dt", {}, "Error"), h("dd", {}, current.error)] : [],
        current.cause ? [h("dt", {}, "Cause"), h("dd", {}, current.cause)] : []),
      h("div", { class: "row" },
        h("details", {}, h("summary", {}, "Input"), code(current.input)),
        current.output !== undefined ? h("details", {}, h("summary", {}, "Output"), code(current.output)) : []),
      h("div", { class: "legend" }, badge("not-reached", "not reached"), STATE_CLASSES.map((status) => badge(status))));
  };

  const colorGraph = () => {
    for (const element of states) {
      const summary = story.summary(element.dataset.state);
      for (const status of STATE_CLASSES) element.classList.toggle(status, Boolean(summary && summary.status === status));
      element.dataset.status = summary ? summary.status : "not-reached";
      let count = element.querySelector(":scope > .attempts");
      if (summary && summary.attempts > 1) {
        if (!count) {
          const rect = element.querySelector(":scope > rect");
          count = document.createElementNS("http://www.w3.org/2000/svg", "text");
          count.setAttribute("class", "attempts");
          count.setAttribute("x", Number(rect.getAttribute("x")) + Number(rect.getAttribute("width")) - 4);
          count.setAttribute("y", Number(rect.getAttribute("y")) + 11);
          count.setAttribute("text-anchor", "end");
          element.append(count);
        }
        count.textContent = "attempt " + summary.attempts;
      } else if (count) {
        count.remove();
      }
    }
  };

  const drawDetail = () => {
    if (selected === null) return;
    for (const element of states) element.classList.toggle("selected", element.dataset.state === selected);
    const visits = story.visitsOf(selected);
    const parts = [h("h2", {}, selected)];
    if (visits.length === 0) parts.push(h("p", { class: "muted" }, "Not reached."));
    for (const visit of visits.slice(-50).reverse()) {
      const status = Story.status(visit, story.ended);
      parts.push(h("div", { class: "visit" },
        h("div", { class: "row" }, badge(status), visit.iteration ? h("span", { class: "muted" }, visit.iteration.map + " iteration " + visit.iteration.index) : [],
          visit.attempts > 1 ? h("span", { class: "muted" }, visit.attempts + " attempts") : []),
        h("strong", {}, "Input"), code(visit.input),
        visit.output !== undefined ? [h("strong", {}, "Output"), code(visit.output)] : [],
        visit.error !== undefined ? [h("strong", {}, "Error"), h("p", { class: "error-name" }, visit.error)] : [],
        visit.cause !== undefined ? [h("strong", {}, "Cause"), code(visit.cause)] : []));
    }
    parts.push(...drillDown(selected));
    detail.replaceChildren(...parts);
  };

  /** A Map's iterations and runs, a Parallel's branches' states. */
  const drillDown = (name) => {
    const visit = story.visitsOf(name).pop();
    if (!visit || (visit.kind !== "Map" && visit.kind !== "Parallel")) return [];
    const parts = [];
    const runs = story.events.filter((event) => event.mapRunStartedEventDetails && story.owner.get(event.id) === visit);
    for (const run of runs) {
      const into = h("div", {});
      parts.push(h("h2", {}, "Map run"), h("p", { class: "token" }, run.mapRunStartedEventDetails.mapRunArn), into);
      executionList(into, null, run.mapRunStartedEventDetails.mapRunArn);
    }
    const iterations = story.events.filter((event) => /^MapIteration/.test(event.type) && (event[Object.keys(event).find((key) => key.endsWith("EventDetails"))] || {}).name === name);
    if (iterations.length > 0) {
      const byIndex = new Map();
      for (const event of iterations) {
        const details = event[Object.keys(event).find((key) => key.endsWith("EventDetails"))];
        byIndex.set(details.index, event.type.replace("MapIteration", "").toLowerCase());
      }
      parts.push(h("h2", {}, "Iterations"), h("table", {}, h("tbody", {},
        Array.from(byIndex).map(([index, status]) => {
          const inner = story.visits.filter((one) => one.iteration && one.iteration.map === name && one.iteration.index === index);
          return h("tr", {}, h("td", {}, "#" + index), h("td", {}, badge(status === "started" ? "running" : status)),
            h("td", {}, inner.map((one) => h("span", {}, h("a", { href: "#", onclick: (event) => { event.preventDefault(); select(one.name); } }, one.name), " "))));
        }))));
    }
    return parts;
  };

  const drawHistory = () => {
    history.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Type"), h("th", {}, "Step"), h("th", { class: "hide-narrow" }, "Time"), h("th", {}, "Details"))),
      h("tbody", {}, story.events.map((event) => {
        const owner = story.owner.get(event.id);
        const details = Object.entries(event).find(([key]) => key.endsWith("EventDetails"));
        return h("tr", { "data-event": event.type },
          h("td", {}, event.id),
          h("td", {}, event.type),
          h("td", {}, owner ? owner.name : ""),
          h("td", { class: "hide-narrow" }, when(event.timestamp)),
          h("td", {}, details ? h("details", {}, h("summary", {}, "details"), h("pre", {}, JSON.stringify(details[1], null, 2))) : ""));
      }))));
  };

  // The tokens whose forms are shown, and the next look for others.
  let shownTokens = null;
  let lookAgain = null;
  const drawCallbacks = async () => {
    let waiting = [];
    if (!story.ended) {
      const response = await fetch("/console/callbacks?executionArn=" + encodeURIComponent(arn));
      waiting = response.ok ? await response.json() : [];
    }
    // Redrawn only when they change, so that what was typed in a form stays.
    const tokens = waiting.map((one) => one.token).join(" ");
    if (tokens !== shownTokens) {
      shownTokens = tokens;
      callbacks.replaceChildren(waiting.length === 0 ? [] : h("div", { class: "panel" },
        h("h2", {}, "Waiting for a callback"),
        waiting.map((one) => callbackForm(one))));
    }
    // A token handed out after the last history event brings no event of its own
    // (its TaskSubmitted is noted, not committed until the Task ends): look again
    // every second while the execution runs.
    clearTimeout(lookAgain);
    if (!story.ended) lookAgain = setTimeout(drawCallbacks, 1000);
  };

  const callbackForm = (one) => {
    const output = h("textarea", { "aria-label": "Output for " + one.state }, '{"approved": true}');
    const error = h("input", { type: "text", placeholder: "error", "aria-label": "Error", value: "Rejected" });
    const cause = h("input", { type: "text", placeholder: "cause", "aria-label": "Cause", value: "Rejected from the console" });
    const message = h("div", {});
    const send = (action, request) => async () => {
      try {
        await api(action, Object.assign({ taskToken: one.token }, request()));
        message.replaceChildren(h("p", { class: "muted" }, action === "SendTaskSuccess" ? "Approved." : "Rejected."));
      } catch (failure) {
        message.replaceChildren(fail(failure));
      }
    };
    return h("div", { class: "callback", "data-callback": one.state },
      h("div", { class: "row" }, h("strong", {}, one.state), h("span", { class: "muted" }, "attempt " + (one.retryCount + 1))),
      h("p", { class: "token" }, one.token),
      output,
      h("div", { class: "row" },
        h("button", { type: "button", onclick: send("SendTaskSuccess", () => ({ output: output.value })) }, "Approve"),
        error, cause,
        h("button", { type: "button", class: "danger", onclick: send("SendTaskFailure", () => ({ error: error.value, cause: cause.value })) }, "Reject")),
      message);
  };

  const select = (name) => {
    selected = name;
    drawDetail();
    detail.scrollIntoView({ block: "nearest" });
  };
  for (const element of states) {
    element.setAttribute("tabindex", "0");
    // A state inside a Parallel or Map is inside its box too: the innermost wins.
    element.addEventListener("click", (event) => {
      event.stopPropagation();
      select(element.dataset.state);
    });
    element.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.stopPropagation();
      select(element.dataset.state);
    });
  }

  drawHeader(execution);
  show(header, callbacks,
    h("div", { class: "execution" }, h("div", { class: "graph" }, graph), detail),
    h("h2", {}, "Event history"), history);

  let scheduled = false;
  const redraw = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(async () => {
      scheduled = false;
      colorGraph();
      drawDetail();
      drawHistory();
      if (story.ended) drawHeader(await api("DescribeExecution", { executionArn: arn }));
      await drawCallbacks();
    });
  };
  redraw();

  const source = new EventSource("/console/events?executionArn=" + encodeURIComponent(arn));
  source.addEventListener("history", (message) => {
    story.add(JSON.parse(message.data));
    redraw();
  });
  source.addEventListener("end", () => {
    source.close();
    redraw();
  });
  leave = () => source.close();
}
