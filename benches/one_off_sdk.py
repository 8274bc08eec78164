"""A careful one-off reset with the official Tencent Python SDK, as an on-call script would do it: the group's
state (refuse if it has members), its offsets before, the reset to the latest offset, and its offsets after to
check. One fresh process per reset, as a script is run."""

import sys

from tencentcloud.ckafka.v20190819 import ckafka_client, models
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

url, secret_id, secret_key, region, instance, group, topic = sys.argv[1:8]
hp = HttpProfile()
hp.scheme = "http"
hp.endpoint = url.split("://")[1]
client = ckafka_client.CkafkaClient(credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=hp))


def call(name, **params):
    req = getattr(models, name + "Request")()
    req._deserialize(params)
    return getattr(client, name)(req)


info = call("DescribeGroupInfo", InstanceId=instance, GroupList=[group])
if info.Result[0].State not in ("Empty", "Dead"):
    sys.exit(f"{group} is {info.Result[0].State}: refusing")
before = call("DescribeGroupOffsets", InstanceId=instance, Group=group, Topics=[topic], Offset=0, Limit=50)
call("ModifyGroupOffsets", InstanceId=instance, Group=group, Topics=[topic], Strategy=1, ShiftTimestamp=-1)
after = call("DescribeGroupOffsets", InstanceId=instance, Group=group, Topics=[topic], Offset=0, Limit=50)
behind = [p.Partition for p in after.Result.TopicList[0].Partitions if p.Offset != p.LogEndOffset]
if behind:
    sys.exit(f"partitions {behind} are not at the log end")
