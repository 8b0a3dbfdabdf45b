@cart
Feature: Shopping cart
  As a shopper
  I want to collect products in a cart and see what I will pay
  So that I can decide before checking out

  Background:
    Given the catalogue:
      | sku    | price | stock |
      | MUG-01 | 12.50 | 10    |
      | LAMP-7 | 40.00 | 2     |
    And my cart is empty

  @smoke
  Scenario: Adding a product
    When I add 2 "MUG-01" to my cart
    Then my cart holds 2 "MUG-01"
    And the total is 25.00 {{ currency }}

  Scenario: Removing a product
    Given I have added 1 "LAMP-7" to my cart
    When I remove "LAMP-7" from my cart
    Then my cart holds 0 "LAMP-7"
    And the total is 0.00 {{ currency }}

  Rule: A cart never holds more than the stock

    Scenario: Adding more than the stock is refused
      Given I have added 2 "LAMP-7" to my cart
      When I add 1 "LAMP-7" to my cart
      Then I am told "only 2 of LAMP-7 in stock"
      And my cart holds 2 "LAMP-7"

    Scenario Outline: Quantities that are not positive whole numbers are refused
      When I add <quantity> "MUG-01" to my cart
      Then I am told "quantity must be a positive whole number"

      Examples:
        | quantity |
        | 0        |
        | -1       |
