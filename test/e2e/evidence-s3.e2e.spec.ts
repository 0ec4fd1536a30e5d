import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readdirSync } from 'node:fs';
import { ApiStack, createPerson, createUnitTree, eventually, startApiStack } from '../support/api-stack';
import { S3TestServer, startS3Server } from '../support/s3';

/** Evidence through the API into S3-compatible object storage (moto over HTTP), when EVIDENCE_S3_BUCKET is set. */
describe('evidence in S3-compatible storage (moto, dev server, PostgreSQL, HTTP)', () => {
  let s3: S3TestServer;
  let stack: ApiStack;
  const LURAH = 'lurah.loktabatutara@banjarbarukota.go.id';

  beforeAll(async () => {
    s3 = await startS3Server();
    stack = await startApiStack({
      env: {
        EVIDENCE_S3_BUCKET: s3.bucket,
        EVIDENCE_S3_ENDPOINT: s3.endpoint,
        EVIDENCE_S3_REGION: s3.region,
        EVIDENCE_S3_PREFIX: 'banjarbaru',
        EVIDENCE_S3_ACCESS_KEY_ID: s3.accessKeyId,
        EVIDENCE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
    });
    await createUnitTree(stack);
    await createPerson(stack, LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }]);
  });

  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
  });

  it('stores uploads in the bucket under their SHA-256, serves them back, and reports the bucket on /health', async () => {
    const health = await stack.call('GET', '/health', undefined, stack.anonymous);
    expect(health.body.dependencies.storage.status).toBe('up');

    const launch = await stack.call('POST', '/programmes', { name: 'Uji S3', templateKey: 'tindak-lanjut-standar-pelayanan', startDate: '2027-01-04', unitCodes: ['63.72.01.1001'] });
    expect(launch.status).toBe(201);
    const c = await eventually(() => stack.prisma.case.findFirst({ where: { programmeId: launch.body.id, tasks: { some: {} } } }));

    const content = Buffer.concat([Buffer.from('%PDF-1.4\n% di dalam bucket\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1'), Buffer.alloc(300, 0x20), Buffer.from('\n%%EOF\n')]);
    const form = new FormData();
    form.append('file', new Blob([content]), 'standar.pdf');
    const upload = await stack.call('POST', `/cases/${c.id}/tasks/standar-pelayanan/evidence`, form, stack.as(LURAH));
    expect(upload.status).toBe(201);
    const sha = upload.body.sha256 as string;

    // In the bucket, not on the local disk.
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `banjarbaru/evidence/${sha.slice(0, 2)}/${sha}` }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(content);
    client.destroy();
    expect(readdirSync(stack.evidenceDir)).toEqual([]);

    const download = await fetch(`${stack.base}/evidence/${upload.body.id}/content`, { headers: await stack.as(LURAH) });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
    expect(download.headers.get('x-content-sha256')).toBe(sha);
  });
});
