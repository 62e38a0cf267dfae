// Which of the given topic terms and campaign codes exist (mapped or merely seen on events).
// $topics: [String], $campaigns: [String] → topics: [String], campaigns: [String]
RETURN [t IN $topics WHERE EXISTS { MATCH (:Term {vocabulary: 'topic', key: t}) }] AS topics,
       [c IN $campaigns WHERE EXISTS { MATCH (:Campaign {code: c}) }] AS campaigns
