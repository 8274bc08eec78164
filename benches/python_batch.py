"""The official Tencent Python SDK in a plain loop: N ModifyGroupOffsets calls against the emulator."""

import sys
import time

from tencentcloud.ckafka.v20190819 import ckafka_client, models
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

url, n = sys.argv[1], int(sys.argv[2])
hp = HttpProfile()
hp.scheme = "http"
hp.endpoint = url.split("://")[1]
client = ckafka_client.CkafkaClient(credential.Credential("AKIDBENCH", "benchkey"), "ap-singapore", ClientProfile(httpProfile=hp))
start = time.perf_counter()
for p in range(n):
    req = models.ModifyGroupOffsetsRequest()
    req._deserialize({"InstanceId": "ckafka-big", "Group": "g", "Strategy": 2, "Topics": ["t"], "Partitions": [p], "Offset": 1000 + p})
    client.ModifyGroupOffsets(req)
secs = time.perf_counter() - start
print(f"official Python SDK loop: {n} calls in {secs:.2f} s = {n / secs:.0f} calls/s")
