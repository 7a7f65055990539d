"""Creates what the order flow uses on the AWS-compatible endpoint of
$AWS_ENDPOINT_URL: the `inventory` table (5 widgets) and the `order-updates` topic."""

import boto3

dynamodb = boto3.client("dynamodb")
dynamodb.create_table(
    TableName="inventory",
    KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
dynamodb.put_item(TableName="inventory", Item={"sku": {"S": "widget"}, "stock": {"N": "5"}})
boto3.client("sns").create_topic(Name="order-updates")
