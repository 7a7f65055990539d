// The AWS SDK for JavaScript v3 against asl serve at process.env.ASL_ENDPOINT, set
// up as the README shows; prints what it saw as one JSON object for
// test_js_sdk.py to check.
import {
  SFNClient,
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  TestStateCommand,
} from "@aws-sdk/client-sfn";

const sfn = new SFNClient({
  endpoint: process.env.ASL_ENDPOINT,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  disableHostPrefix: true,
});

const role = "arn:aws:iam::123456789012:role/service-role/asl-tests";
const greet = JSON.stringify({
  StartAt: "Greet",
  States: {
    Greet: {
      Type: "Pass",
      Parameters: { "greeting.$": "States.Format('hello {}', $.who)" },
      End: true,
    },
  },
});
const suffix = process.env.ASL_SUFFIX;
const seen = {};

const express = await sfn.send(
  new CreateStateMachineCommand({
    name: `js-express-${suffix}`,
    definition: greet,
    roleArn: role,
    type: "EXPRESS",
  }),
);
const sync = await sfn.send(
  new StartSyncExecutionCommand({
    stateMachineArn: express.stateMachineArn,
    input: JSON.stringify({ who: "javascript" }),
  }),
);
seen.sync = { status: sync.status, output: JSON.parse(sync.output) };

const standard = await sfn.send(
  new CreateStateMachineCommand({ name: `js-standard-${suffix}`, definition: greet, roleArn: role }),
);
const started = await sfn.send(
  new StartExecutionCommand({
    stateMachineArn: standard.stateMachineArn,
    name: "first",
    input: JSON.stringify({ who: "node" }),
  }),
);
let described;
for (let tries = 0; tries < 600; tries += 1) {
  described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
  if (described.status !== "RUNNING") break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
seen.standard = {
  status: described.status,
  output: JSON.parse(described.output),
  startDateIsDate: described.startDate instanceof Date,
};

const listed = await sfn.send(new ListStateMachinesCommand({}));
seen.listed = listed.stateMachines
  .map((machine) => machine.name)
  .filter((name) => name.endsWith(suffix))
  .sort();

// TestState carries the `sync-` host prefix too.
const tested = await sfn.send(
  new TestStateCommand({
    definition: JSON.stringify(JSON.parse(greet).States.Greet),
    input: JSON.stringify({ who: "a test" }),
    inspectionLevel: "DEBUG",
  }),
);
seen.tested = {
  status: tested.status,
  output: JSON.parse(tested.output),
  afterParameters: JSON.parse(tested.inspectionData.afterParameters),
};

for (const machine of [express, standard]) {
  await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine.stateMachineArn }));
}
try {
  await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: express.stateMachineArn }));
  seen.missing = "no error";
} catch (error) {
  seen.missing = { name: error.name, status: error.$metadata.httpStatusCode };
}
console.log(JSON.stringify(seen));
