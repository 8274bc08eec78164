//! Every emulated Tencent action's parameters, checked the way the services check them: `MissingParameter`,
//! `UnknownParameter`, `InvalidParameterValue` and `InvalidAction`.

use serde_json::{Map, Value};

use super::tencent::{TcError, err};

/// The service an action belongs to, when it is one the emulator knows.
pub fn service_of(action: &str) -> Option<&'static str> {
    SPECS.iter().find(|(a, _, _)| *a == action).map(|(_, service, _)| *service)
}

/// Parameter kinds, for validation.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    StrList,
    IntList,
    Any,
}

use Kind::*;

/// (action, service, parameters with kind and required flag).
type Spec = (&'static str, &'static str, &'static [(&'static str, Kind, bool)]);

const SPECS: &[Spec] = &[
    ("DeleteGroupSubscribeTopic", "ckafka", &[("InstanceId", Str, true), ("Group", Str, true), ("Topic", Str, true)]),
    (
        "DescribeInstancesDetail",
        "ckafka",
        &[
            ("InstanceId", Str, false),
            ("SearchWord", Str, false),
            ("Status", IntList, false),
            ("Offset", Int, false),
            ("Limit", Int, false),
            ("TagKey", Str, false),
            ("Filters", Any, false),
            ("InstanceIds", Str, false),
            ("InstanceIdList", StrList, false),
            ("TagList", Any, false),
        ],
    ),
    (
        "DescribeConsumerGroup",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("GroupName", Str, false),
            ("TopicName", Str, false),
            ("Limit", Int, false),
            ("Offset", Int, false),
        ],
    ),
    (
        "ModifyGroupOffsets",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("Group", Str, true),
            ("Strategy", Int, true),
            ("Topics", StrList, true),
            ("Shift", Int, false),
            ("ShiftTimestamp", Int, false),
            ("Offset", Int, false),
            ("Partitions", IntList, false),
        ],
    ),
    (
        "DescribeInstances",
        "ckafka",
        &[
            ("InstanceId", Str, false),
            ("SearchWord", Str, false),
            ("Status", IntList, false),
            ("Offset", Int, false),
            ("Limit", Int, false),
            ("TagKey", Str, false),
            ("VpcId", Str, false),
        ],
    ),
    (
        "DescribeGroup",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("SearchWord", Str, false),
            ("Offset", Int, false),
            ("Limit", Int, false),
            ("Filters", Any, false),
        ],
    ),
    ("DescribeGroupInfo", "ckafka", &[("InstanceId", Str, true), ("GroupList", StrList, true)]),
    (
        "DescribeGroupOffsets",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("Group", Str, true),
            ("Topics", StrList, false),
            ("SearchWord", Str, false),
            ("Offset", Int, false),
            ("Limit", Int, false),
        ],
    ),
    (
        "DescribeTopic",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("SearchWord", Str, false),
            ("Offset", Int, false),
            ("Limit", Int, false),
            ("AclRuleName", Str, false),
        ],
    ),
    (
        "DescribeTopicSyncReplica",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("TopicName", Str, true),
            ("Offset", Int, false),
            ("Limit", Int, false),
            ("OutOfSyncReplicaOnly", Any, false),
        ],
    ),
    (
        "FetchMessageByOffset",
        "ckafka",
        &[("InstanceId", Str, true), ("Topic", Str, true), ("Partition", Int, true), ("Offset", Int, true)],
    ),
    (
        "FetchMessageListByOffset",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("Topic", Str, true),
            ("Partition", Int, true),
            ("Offset", Int, true),
            ("SinglePartitionRecordNumber", Int, false),
        ],
    ),
    (
        "FetchMessageListByTimestamp",
        "ckafka",
        &[
            ("InstanceId", Str, true),
            ("Topic", Str, true),
            ("Partition", Int, false),
            ("StartTime", Int, false),
            ("SinglePartitionRecordNumber", Int, false),
        ],
    ),
    (
        "ResetConsumerGroupOffset",
        "dts",
        &[
            ("SubscribeId", Str, true),
            ("TopicName", Str, true),
            ("ConsumerGroupName", Str, true),
            ("PartitionNos", IntList, true),
            ("ResetMode", Str, true),
            ("ResetDatetime", Str, false),
        ],
    ),
    (
        "DescribeSubscribeJobs",
        "dts",
        &[
            ("SubscribeId", Str, false),
            ("SubscribeIds", StrList, false),
            ("SubscribeName", Str, false),
            ("InstanceId", Str, false),
            ("Topic", Str, false),
            ("PayType", Int, false),
            ("Product", Str, false),
            ("Status", StrList, false),
            ("SubsStatus", StrList, false),
            ("Offset", Int, false),
            ("Limit", Int, false),
            ("OrderDirection", Str, false),
            ("TagFilters", Any, false),
        ],
    ),
    ("DescribeSubscribeDetail", "dts", &[("SubscribeId", Str, true)]),
    ("DescribeConsumerGroups", "dts", &[("SubscribeId", Str, true), ("Offset", Int, false), ("Limit", Int, false)]),
    ("DescribeOffsetByTime", "dts", &[("SubscribeId", Str, true), ("Time", Str, true)]),
];

/// Validates parameters against the action's definition.
pub(super) fn validate(action: &str, service: &str, params: &Map<String, Value>) -> Result<(), TcError> {
    let Some((_, svc, fields)) = SPECS.iter().find(|(a, _, _)| *a == action) else {
        return Err(err("InvalidAction", format!("The action `{action}` does not exist")));
    };
    if *svc != service {
        return Err(err("InvalidAction", format!("The action `{action}` does not belong to service `{service}`")));
    }
    for key in params.keys() {
        if !fields.iter().any(|(n, _, _)| n == key) {
            return Err(err("UnknownParameter", format!("The parameter `{key}` is not recognized")));
        }
    }
    for (name, kind, required) in fields.iter() {
        let Some(v) = params.get(*name) else {
            if *required {
                return Err(err("MissingParameter", format!("The request is missing a required parameter `{name}`")));
            }
            continue;
        };
        let okay = match kind {
            Str => v.is_string(),
            Int => v.is_i64(),
            StrList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            IntList => v.as_array().is_some_and(|a| a.iter().all(Value::is_i64)),
            Any => true,
        };
        if !okay {
            return Err(err("InvalidParameterValue", format!("The value of parameter `{name}` has the wrong type")));
        }
    }
    Ok(())
}
