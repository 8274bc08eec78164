"""Every call offsetdeck makes, made by the official SDKs against the emulator. Exits non-zero on the first failure."""

import json
import sys
import time
import tomllib
import warnings

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkkafka.v2 import KafkaClient
from huaweicloudsdkkafka.v2 import model as hw
from tencentcloud.ckafka.v20190819 import ckafka_client
from tencentcloud.ckafka.v20190819 import models as ck
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.dts.v20211206 import dts_client
from tencentcloud.dts.v20211206 import models as dts

# A field the SDK's model does not have is a gap in the emulator, not noise: the Tencent SDK warns "fileds are useless".
warnings.filterwarnings("error", message=".*useless.*")
addr = json.loads(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    profile = tomllib.load(f)
CHECKED = []


def check(name, response, condition):
    """A call passes when the SDK returned its own model and the model holds what the emulator sent."""
    if not condition(response):
        raise SystemExit(f"FAIL {name}: unexpected response {response}")
    CHECKED.append(name)
    print(f"ok   {name}: {type(response).__name__}")


# ------------------------------------------------------------------------------------------------------------ Huawei
hw_name, hw_acc = next(iter(profile["huawei"].items()))
inst_name, inst = next(iter(hw_acc["instances"].items()))
cfg = HttpConfig.get_default_config()
cfg.retry_times = 0
hc = (KafkaClient.new_builder().with_http_config(cfg)
      .with_credentials(BasicCredentials(hw_acc["ak"], hw_acc["sk"], hw_acc["project_id"]))
      .with_endpoints([addr["huawei"]]).build())
IID = inst["id"]

r = hc.list_instances(hw.ListInstancesRequest(engine="kafka", offset="0", limit="50"))
check("huawei ListInstances", r, lambda r: r.instance_num >= 1 and r.instances[0].instance_id)
r = hc.list_instance_consumer_groups(hw.ListInstanceConsumerGroupsRequest(instance_id=IID, offset="0", limit="50"))
check("huawei ListInstanceConsumerGroups", r, lambda r: r.total == 4 and r.groups[0].state)
r = hc.show_group(hw.ShowGroupRequest(instance_id=IID, group="billing"))
check("huawei ShowGroup", r, lambda r: r.group.state == "EMPTY")
r = hc.show_groups(hw.ShowGroupsRequest(instance_id=IID, group="fraud-check"))
check("huawei ShowGroups (management detail)", r, lambda r: r.group.state == "Stable" and len(r.group.members) == 2
      and r.group.members[0].assignment and r.group.group_message_offsets)
r = hc.list_instance_consumer_group_message_offset(hw.ListInstanceConsumerGroupMessageOffsetRequest(
    engine="kafka", instance_id=IID, group="billing", topic="orders", offset=0, limit=50))
check("huawei ListInstanceConsumerGroupMessageOffset", r,
      lambda r: r.total == 12 and r.group_message_offsets[0].message_log_start_offset is not None)
r = hc.list_instance_topics(hw.ListInstanceTopicsRequest(instance_id=IID, offset="0", limit="50"))
check("huawei ListInstanceTopics", r, lambda r: r.total == 3 and r.topics[0].name)
r = hc.list_topic_partitions(hw.ListTopicPartitionsRequest(instance_id=IID, topic="orders", offset=0, limit=50))
check("huawei ListTopicPartitions", r, lambda r: r.total == 12 and r.partitions[0].last_offset is not None)
NOW_MS = int(time.time() * 1000)
r = hc.show_messages(hw.ShowMessagesRequest(instance_id=IID, topic="orders", start_time=str(NOW_MS - 3_600_000),
                                            end_time=str(NOW_MS + 3_600_000), limit="1", offset="0", partition="3"))
check("huawei ShowMessages (time -> offset)", r, lambda r: r.messages[0].message_offset is not None and r.messages[0].timestamp)
r = hc.reset_message_offset_with_engine(hw.ResetMessageOffsetWithEngineRequest(
    instance_id=IID, group="billing", body=hw.ResetMessageOffsetReq(topic="orders", partition=-1, message_offset=0)))
check("huawei ResetMessageOffsetWithEngine (offset)", r, lambda r: r.status_code == 204)
r = hc.reset_message_offset_with_engine(hw.ResetMessageOffsetWithEngineRequest(
    instance_id=IID, group="billing", body=hw.ResetMessageOffsetReq(topic="orders", partition=2, timestamp=1735689600000)))
check("huawei ResetMessageOffsetWithEngine (timestamp)", r, lambda r: r.status_code == 204)
r = hc.reset_message_offset(hw.ResetMessageOffsetRequest(
    instance_id=IID, group="billing", body=hw.ResetMessageOffsetReq(topic="orders", partition=1, message_offset=0)))
check("huawei ResetMessageOffset (legacy POST .../management/groups/{group}/reset-message-offset)", r,
      lambda r: r.status_code in (200, 204))
r = hc.delete_consumer_group_offsets(hw.DeleteConsumerGroupOffsetsRequest(
    instance_id=IID, group="audit", body=hw.DeleteConsumerGroupOffsetsRequestBody(topics=["audit-log"])))
check("huawei DeleteConsumerGroupOffsets", r, lambda r: r.topics[0].success is True)
r = hc.delete_kafka_topic_messages(hw.DeleteKafkaTopicMessagesRequest(
    instance_id=IID, topic="audit-log",
    body=hw.DeleteKafkaMessageRequestBody(partitions=[hw.PartitionOffsetEntity(partition=0, offset=300)])))
check("huawei DeleteKafkaTopicMessages (POST .../messages/delete)", r, lambda r: r.partitions[0].result == "success")
# The legacy DELETE-with-body form (seed 001) is gone from SDK 3.1.219; send it through the SDK's own pipeline.
req = SdkRequest(method="DELETE", schema="http", host=addr["huawei"].split("://")[1],
                 resource_path=f"/v2/{hw_acc['project_id']}/kafka/instances/{IID}/topics/audit-log/messages",
                 query_params=[], header_params={"Content-Type": "application/json"},
                 body=json.dumps({"partitions": [{"partition": 0, "offset": 400}]}).encode())
signed = hc._credentials.process_auth_request(req, hc._http_client).result()
resp = hc._http_client.do_request_sync(signed)
check("huawei DeleteKafkaMessage (legacy DELETE with body)", resp,
      lambda r: r.status_code == 200 and r.json()["partitions"][0]["result"] == "success")

# ----------------------------------------------------------------------------------------------------------- Tencent
tc_name, tc_acc = next(iter(profile["tencent"].items()))
ck_name, ck_inst = next(iter(tc_acc["ckafka"].items()))
dts_name, sub = next(iter(tc_acc["dts"].items()))
cred = credential.Credential(tc_acc["secret_id"], tc_acc["secret_key"])


def tc_profile(url):
    hp = HttpProfile()
    hp.scheme = "http"
    hp.endpoint = url.split("://")[1]
    return ClientProfile(httpProfile=hp, language="en-US")


ckc = ckafka_client.CkafkaClient(cred, tc_acc["region"], tc_profile(addr["ckafka"]))
dtc = dts_client.DtsClient(cred, tc_acc["region"], tc_profile(addr["dts"]))
CK = ck_inst["id"]
SUB = sub["subscribe_id"]
FULL = f"consumer-grp-{SUB}-etl"


def req(cls, **fields):
    m = cls()
    m._deserialize(fields)
    return m


r = ckc.DescribeInstances(req(ck.DescribeInstancesRequest, Offset=0, Limit=100))
check("ckafka DescribeInstances", r, lambda r: r.Result.TotalCount == 1 and r.Result.InstanceList[0].InstanceId == CK)
r = ckc.DescribeInstancesDetail(req(ck.DescribeInstancesDetailRequest, Offset=0, Limit=20))
check("ckafka DescribeInstancesDetail", r, lambda r: r.Result.TotalCount == 1 and r.Result.InstanceList[0].InstanceId == CK
      and r.Result.InstanceList[0].PartitionNumber == 10)
r = ckc.DescribeConsumerGroup(req(ck.DescribeConsumerGroupRequest, InstanceId=CK, Offset=0, Limit=50))
check("ckafka DescribeConsumerGroup", r, lambda r: r.Result.TotalCount == 3
      and r.Result.GroupList[0].SubscribedInfo[0].PartitionOffset[0].Offset is not None)
r = ckc.DescribeGroup(req(ck.DescribeGroupRequest, InstanceId=CK, Offset=0, Limit=20))
check("ckafka DescribeGroup", r, lambda r: r.Result.TotalCount == 3)
r = ckc.DescribeGroupInfo(req(ck.DescribeGroupInfoRequest, InstanceId=CK, GroupList=["cdc-sink", "etl"]))
check("ckafka DescribeGroupInfo", r, lambda r: r.Result[0].State == "Stable" and r.Result[0].Members[0].Assignment.Topics)
r = ckc.DescribeGroupOffsets(req(ck.DescribeGroupOffsetsRequest, InstanceId=CK, Group="etl", Offset=0, Limit=50))
check("ckafka DescribeGroupOffsets", r, lambda r: r.Result.TopicList[0].Partitions[0].LogEndOffset is not None)
r = ckc.DescribeTopic(req(ck.DescribeTopicRequest, InstanceId=CK, Offset=0, Limit=50))
check("ckafka DescribeTopic", r, lambda r: r.Result.TotalCount == 2)
r = ckc.DescribeTopicSyncReplica(req(ck.DescribeTopicSyncReplicaRequest, InstanceId=CK, TopicName="clicks", Offset=0, Limit=50))
check("ckafka DescribeTopicSyncReplica", r, lambda r: r.Result.TopicInSyncReplicaList[0].Partition == "partition-0")
r = ckc.FetchMessageListByTimestamp(req(ck.FetchMessageListByTimestampRequest, InstanceId=CK, Topic="clicks", Partition=2,
                                         StartTime=NOW_MS - 600_000, SinglePartitionRecordNumber=1))
check("ckafka FetchMessageListByTimestamp", r, lambda r: len(r.Result) == 1 and r.Result[0].Offset is not None and r.Result[0].Timestamp)
r = ckc.FetchMessageListByOffset(req(ck.FetchMessageListByOffsetRequest, InstanceId=CK, Topic="clicks", Partition=0,
                                      Offset=0, SinglePartitionRecordNumber=5))
check("ckafka FetchMessageListByOffset", r, lambda r: 0 < len(r.Result) <= 5 and r.Result[0].Value is None
      and all(a.Offset < b.Offset for a, b in zip(r.Result, r.Result[1:])))
first = r.Result[0].Offset
r = ckc.FetchMessageByOffset(req(ck.FetchMessageByOffsetRequest, InstanceId=CK, Topic="clicks", Partition=0,
                                  Offset=first))
check("ckafka FetchMessageByOffset", r, lambda r: r.Result.Offset == first and r.Result.Value is not None)
for strategy, extra in ((0, {"Shift": -10}), (1, {"ShiftTimestamp": -2}), (1, {"ShiftTimestamp": 1735689600000}),
                        (2, {"Offset": 5, "Partitions": [0, 1]})):
    r = ckc.ModifyGroupOffsets(req(ck.ModifyGroupOffsetsRequest, InstanceId=CK, Group="etl", Strategy=strategy,
                                   Topics=["clicks"], **extra))
    check(f"ckafka ModifyGroupOffsets strategy {strategy} {extra}", r, lambda r: r.Result.ReturnCode == "0")

r = ckc.DeleteGroupSubscribeTopic(req(ck.DeleteGroupSubscribeTopicRequest, InstanceId=CK, Group="old-batch",
                                     Topic="orders-cdc"))
check("ckafka DeleteGroupSubscribeTopic", r, lambda r: r.Result.ReturnCode == "0")

# A request signed for the other service is refused, as the real gateway refuses it.
try:
    dtc_on_ckafka = dts_client.DtsClient(cred, tc_acc["region"], tc_profile(addr["ckafka"]))
    dtc_on_ckafka.call_json("DescribeGroup", {"InstanceId": CK})
    raise SystemExit("FAIL a CKafka action signed for dts was accepted")
except TencentCloudSDKException as e:
    check("refused: a CKafka action signed for the dts service", e, lambda e: e.code == "AuthFailure.SignatureFailure")

r = dtc.DescribeSubscribeJobs(req(dts.DescribeSubscribeJobsRequest, Offset=0, Limit=100))
check("dts DescribeSubscribeJobs", r, lambda r: r.TotalCount == 1 and r.Items[0].SubscribeId == SUB)
r = dtc.DescribeSubscribeDetail(req(dts.DescribeSubscribeDetailRequest, SubscribeId=SUB))
check("dts DescribeSubscribeDetail", r, lambda r: r.Topic == sub["topic"] and r.KafkaConfig.NumberOfPartitions == 4)
r = dtc.DescribeConsumerGroups(req(dts.DescribeConsumerGroupsRequest, SubscribeId=SUB, Offset=0, Limit=10))
check("dts DescribeConsumerGroups", r, lambda r: r.TotalCount == 3 and r.Items[0].StateOfPartition[0].PartitionNo == 0)
dead = [g.ConsumerGroupName for g in r.Items if g.ConsumerGroupState == "Dead"]
check("dts DescribeConsumerGroups has a Dead group", r, lambda r: len(dead) == 1)
r = dtc.DescribeOffsetByTime(req(dts.DescribeOffsetByTimeRequest, SubscribeId=SUB, Time="2025-01-01 08:00:00"))
check("dts DescribeOffsetByTime", r, lambda r: len(r.Items) == 4)
for mode, extra in (("earliest", {}), ("latest", {}), ("datetime", {"ResetDatetime": "2025-01-01 08:00:10"})):
    r = dtc.ResetConsumerGroupOffset(req(dts.ResetConsumerGroupOffsetRequest, SubscribeId=SUB, TopicName=sub["topic"],
                                         ConsumerGroupName=FULL, PartitionNos=[0, 1, 2, 3], ResetMode=mode, **extra))
    check(f"dts ResetConsumerGroupOffset {mode}", r, lambda r: bool(r.RequestId))
r = dtc.ResetConsumerGroupOffset(req(dts.ResetConsumerGroupOffsetRequest, SubscribeId=SUB, TopicName=sub["topic"],
                                     ConsumerGroupName=dead[0], PartitionNos=[0, 1, 2, 3], ResetMode="earliest"))
check("dts ResetConsumerGroupOffset of a Dead group", r, lambda r: bool(r.RequestId))

print(f"SDK conformance: {len(CHECKED)} calls checked, all accepted and parsed by the official SDKs")
