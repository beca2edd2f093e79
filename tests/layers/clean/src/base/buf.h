/* base: includes nothing of the tree */
