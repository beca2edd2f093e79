/* base: the Actor value the infrastructure carries */
