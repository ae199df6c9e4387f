/**
 * A node process that starts DynamoDB Local (cli/local/dynamodb.ts), prints its endpoint and then
 * idles until it is killed: test/integration/dynamodb-local-jvm.test.ts kills it with SIGKILL
 * (nothing of ours runs then) to see the JVM go with it.
 */
import { startJvmDynamo } from '../../cli/local/dynamodb';

const dynamo = await startJvmDynamo(process.argv[2]);
process.stdout.write(`${dynamo.endpoint}\n`);
setInterval(() => undefined, 60_000);
