# Acceptance criteria for {{ feature_name }} ({{ product_name }}).
# One Feature per file, one Scenario per acceptance criterion, tagged with its story and
# criterion IDs so the traceability matrix can point at them. Write steps in the user's
# language (what happens), not the UI's (which button is clicked).

@{{ feature_slug }}
Feature: {{ feature_name }}
  As a <persona from the PRD>
  I want <capability>
  So that <benefit>

  Background:
    Given I am signed in as a customer

  @US-1 @AC-1
  Scenario: Describe the main success path in one sentence
    Given the starting state the user is in
    When the user performs one action
    Then the user sees the observable outcome

  @US-1 @AC-2
  Scenario Outline: Describe a rule that holds for several inputs
    Given the input is "<input>"
    When the user submits it
    Then the result is "<result>"

    Examples:
      | input   | result   |
      | valid   | accepted |
      | invalid | rejected |
