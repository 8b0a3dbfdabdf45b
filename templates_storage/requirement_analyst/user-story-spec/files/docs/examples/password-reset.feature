@password-reset
Feature: Reset a forgotten password
  As a returning customer who forgot my password
  I want to reset it from the sign-in page
  So that I can get back to my orders without contacting support

  @US-7 @AC-1
  Scenario: A reset link is sent for a known address
    Given an account exists for "ada@example.com"
    When I request a password reset for "ada@example.com"
    Then I see "If an account exists, we have sent a link"
    And "ada@example.com" receives a single-use reset link within 2 minutes

  @US-7 @AC-2
  Scenario: Unknown addresses get the same answer and no email
    Given no account exists for "bob@example.com"
    When I request a password reset for "bob@example.com"
    Then I see "If an account exists, we have sent a link"
    And no email is sent

  @US-7 @AC-3 @AC-5
  Scenario Outline: Expired and used links are refused
    Given I have a reset link that is <state>
    When I open the reset link
    Then I am told the link <message>
    And I can request a new link

    Examples:
      | state               | message          |
      | 61 minutes old      | expired          |
      | already used        | was already used |

  @US-7 @AC-4
  Scenario: Setting a new password signs me in everywhere else out
    Given I opened a valid reset link
    And I am signed in on another device
    When I set the new password "correct horse battery staple"
    Then I am signed in
    And my session on the other device is signed out
    And I receive a confirmation email
