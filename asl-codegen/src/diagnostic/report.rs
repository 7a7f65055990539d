//! AWS ValidateStateMachineDefinition's JSON shape.
