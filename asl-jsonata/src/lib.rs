//! JSONata as AWS Step Functions runs it.
